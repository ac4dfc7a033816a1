/** A TCP port free on 127.0.0.1 for the test servers (asked of the kernel, then released). */
import { createServer } from 'node:net';

/**
 * A port that nothing listens on at the moment of the call. Another process could take it before the caller
 * binds it; on a test machine that race is rare enough, and the servers here need the number before they start.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}
