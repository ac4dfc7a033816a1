/**
 * What reaches the server below HTTP: a client that trickles its body (a slowloris), bytes that are not HTTP, and
 * oversized headers, each over a real socket. Each gets a WIA error body with a request id and its connection
 * closed, and nothing is stored.
 */
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../server.fixture.js';

let server: TestServer;
let port: number;

beforeAll(async () => {
  server = await startTestServer({ requestTimeoutMs: 1000 });
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  port = (server.app.server.address() as AddressInfo).port;
});
afterAll(() => server?.close());

/** Chunks written before the server closed the last exchange's connection. */
let written = 0;

/** Writes `chunks` (waiting `gapMs` between them) and resolves what the server sent back before it closed. */
function exchange(chunks: string[], gapMs = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (data) => (received += data.toString()));
    socket.on('close', () => {
      written = i;
      resolve(received);
    });
    socket.on('error', reject);
    let i = 0;
    const next = () => {
      if (i >= chunks.length || socket.destroyed) return;
      socket.write(chunks[i++]!);
      setTimeout(next, gapMs);
    };
    next();
  });
}

function parse(raw: string): { status: number; headers: string; body: { error: { code: string; details: { kind: string } }; request_id: string } } {
  const [head, body] = raw.split('\r\n\r\n', 2) as [string, string];
  return { status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: JSON.parse(body) };
}

describe('client errors below HTTP', () => {
  it('answers a trickled body with 408 in WIA format and closes the connection', async () => {
    const head = 'POST /insert HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n';
    // One byte every 200 ms: it would take hours to finish; the timeout is 1 s.
    const raw = await exchange([head, ...Array.from({ length: 40 }, () => 'A')], 200);
    const { status, headers, body } = parse(raw);
    expect(status).toBe(408);
    expect(body.error).toMatchObject({ code: 'INVALID_REQUEST', details: { kind: 'request_timeout' } });
    expect(headers).toContain(`x-request-id: ${body.request_id}`);
    // Cut off mid-trickle (the 41 chunks take 8 s), not after the client gave up.
    expect(written).toBeLessThan(41);
    expect(await server.rows()).toBe(0);
  });

  it('answers bytes that are not HTTP with 400 in WIA format', async () => {
    const { status, body } = parse(await exchange(['\x16\x03\x01 not http at all\r\n\r\n']));
    expect(status).toBe(400);
    expect(body.error.details.kind).toBe('malformed_http');
  });

  it('answers oversized headers with 431 in WIA format', async () => {
    const { status, body } = parse(await exchange([`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`]));
    expect(status).toBe(431);
    expect(body.error.details.kind).toBe('malformed_http');
  });

  it('answers CONNECT (a proxy tunnel, which Node hands past Fastify) with 405 in WIA format', async () => {
    const { status, headers, body } = parse(await exchange(['CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n']));
    expect(status).toBe(405);
    expect(body.error).toMatchObject({ code: 'INVALID_REQUEST', details: { kind: 'method_not_allowed' } });
    expect(headers).toContain(`x-request-id: ${body.request_id}`);
  });

  it("answers the docs' file server refusing a path outside its folder with 403, kind bad_request", async () => {
    const { status, body } = parse(await exchange(['GET /docs/static/../../package.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']));
    expect(status).toBe(403);
    expect(body.error).toMatchObject({ code: 'INVALID_REQUEST', details: { kind: 'bad_request' } });
  });

  it('answers an HTTP/1.1 request without Host with 400 in WIA format (HTTP/1.0 needs none)', async () => {
    const { status, headers, body } = parse(await exchange(['GET /health HTTP/1.1\r\nConnection: close\r\n\r\n']));
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'INVALID_REQUEST', details: { kind: 'malformed_http' } });
    expect(headers).toContain(`x-request-id: ${body.request_id}`);
    expect(parse(await exchange(['GET /health HTTP/1.0\r\n\r\n'])).status).toBe(200);
  });

  it('answers an Expect it cannot meet with 417 in WIA format', async () => {
    const { status, headers, body } = parse(await exchange(['GET /health HTTP/1.1\r\nHost: x\r\nExpect: 999-bogus\r\n\r\n']));
    expect(status).toBe(417);
    expect(body.error).toMatchObject({ code: 'INVALID_REQUEST', details: { kind: 'malformed_http' } });
    expect(headers).toContain(`x-request-id: ${body.request_id}`);
  });

  it('still serves the next client', async () => {
    expect((await server.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});
