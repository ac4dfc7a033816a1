import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from './decode.js';
import { rejection } from '../testing/rejection.js';

/** A local server: `/endless` streams bytes until the client goes away; `/declared` announces 10 MB. */
let server: Server;
let origin: string;
const closed: string[] = [];
beforeAll(async () => {
  server = createServer((request, response) => {
    request.socket.on('close', () => closed.push(request.url ?? ''));
    if (request.url === '/declared') {
      response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(10_000_000) });
      response.write(Buffer.alloc(1000, 0xff));
      return; // never finishes: the client must not wait for it
    }
    response.writeHead(200, { 'content-type': 'image/jpeg' });
    const chunk = Buffer.alloc(64 * 1024, 0xff);
    const pump = () => {
      while (!response.destroyed && response.write(chunk));
      if (!response.destroyed) response.once('drain', pump);
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const limits = { maxPixels: 50_000_000, maxBytes: 1_000_000 };

describe('URL downloads', () => {
  it('stop at maxBytes on an endless body, with IMAGE_TOO_LARGE, and close the connection', async () => {
    const error = await rejection(decodeImage(`${origin}/endless`, limits));
    expect(error.code).toBe('IMAGE_TOO_LARGE');
    expect(error.details).toMatchObject({ kind: 'too_large', maxBytes: 1_000_000 });
    expect(error.details['bytes']).toBeGreaterThan(1_000_000);
    expect(error.details['bytes']).toBeLessThan(1_000_000 + 1024 * 1024);
    await expect.poll(() => closed.includes('/endless')).toBe(true);
  });

  it('refuse a declared Content-Length above maxBytes before reading the body', async () => {
    const error = await rejection(decodeImage(`${origin}/declared`, limits));
    expect(error.code).toBe('IMAGE_TOO_LARGE');
    expect(error.details).toMatchObject({ kind: 'too_large', bytes: 10_000_000 });
  });

  it('are cancelled when the call is aborted', async () => {
    const controller = new AbortController();
    const pending = decodeImage(`${origin}/endless?abort`, { ...limits, maxBytes: Number.MAX_SAFE_INTEGER, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await rejection(pending);
    expect(error.code).toBe('ABORTED'); // the caller's plain AbortController: its reason is no EmoLensError
    await expect.poll(() => closed.includes('/endless?abort')).toBe(true);
  });
});
