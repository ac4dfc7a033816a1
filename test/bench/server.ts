/**
 * A small static HTTP server on 127.0.0.1 that counts, per path, the requests it answered and the body
 * bytes it sent: the "bytes downloaded" measurement (page, worker, wasm and model fetches alike).
 *
 * Caching is that of a typical production host: Vite's hashed files under `/assets/` are immutable for a
 * year, everything else must be revalidated (ETag → 304).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

/** URL prefix (e.g. `/data/wild/`) → folder. The longest matching prefix wins. */
export interface Mount {
  prefix: string;
  dir: string;
}

/** What the server sent for one path. */
export interface PathCounter {
  requests: number;
  /** Body bytes sent (0 for a 304). */
  bytes: number;
  /** Responses by HTTP status. */
  statuses: Record<string, number>;
}

export interface StaticServer {
  origin: string;
  /** Counters since the last `reset()`, by URL path. */
  snapshot(): Record<string, PathCounter>;
  reset(): void;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.task': 'application/octet-stream',
  '.onnx': 'application/octet-stream',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.webmanifest': 'application/manifest+json',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeType(path: string): string {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export async function startStaticServer(mounts: readonly Mount[]): Promise<StaticServer> {
  const sorted = [...mounts].sort((a, b) => b.prefix.length - a.prefix.length);
  let counters = new Map<string, PathCounter>();

  const count = (path: string): PathCounter => {
    let counter = counters.get(path);
    if (!counter) {
      counter = { requests: 0, bytes: 0, statuses: {} };
      counters.set(path, counter);
    }
    return counter;
  };

  const finish = (res: ServerResponse, path: string, status: number, body?: string): void => {
    const counter = count(path);
    counter.requests++;
    counter.statuses[status] = (counter.statuses[status] ?? 0) + 1;
    if (body !== undefined) counter.bytes += Buffer.byteLength(body);
    res.writeHead(status, body === undefined ? {} : { 'content-type': 'text/plain; charset=utf-8' });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let path = decodeURIComponent(url.pathname);
    if (path.endsWith('/')) path += 'index.html';
    if (req.method !== 'GET' && req.method !== 'HEAD') return finish(res, path, 405, 'method not allowed\n');
    const mount = sorted.find((m) => path.startsWith(m.prefix));
    if (!mount) return finish(res, path, 404, 'not found\n');
    const file = normalize(join(mount.dir, path.slice(mount.prefix.length)));
    if (file !== mount.dir && !file.startsWith(mount.dir.endsWith(sep) ? mount.dir : mount.dir + sep)) {
      return finish(res, path, 403, 'forbidden\n');
    }
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return finish(res, path, 404, 'not found\n');

    const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    // Cross-origin isolation, so `--threads 2` can use WASM threads (everything here is same-origin).
    res.setHeader('cross-origin-opener-policy', 'same-origin');
    res.setHeader('cross-origin-embedder-policy', 'require-corp');
    res.setHeader('etag', etag);
    res.setHeader('last-modified', info.mtime.toUTCString());
    res.setHeader('cache-control', path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (req.headers['if-none-match'] === etag) return finish(res, path, 304);

    const counter = count(path);
    counter.requests++;
    counter.statuses[200] = (counter.statuses[200] ?? 0) + 1;
    res.writeHead(200, { 'content-type': mimeType(file), 'content-length': info.size });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('data', (chunk) => {
      counter.bytes += chunk.length;
    });
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    snapshot: () => Object.fromEntries([...counters].map(([path, c]) => [path, { ...c, statuses: { ...c.statuses } }])),
    reset: () => {
      counters = new Map();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
