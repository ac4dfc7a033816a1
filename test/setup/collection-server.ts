/**
 * The real `@emolens/server` (`packages/server/dist/main.js`) as a child process on a port and data folder of the
 * test's choosing, which the test can kill (SIGKILL: a crash) and start again on the same port and data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';

/** The server's entry point; `pnpm --filter @emolens/server build` makes it. */
export const SERVER_MAIN = join(repoRoot, 'packages', 'server', 'dist', 'main.js');

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface CollectionServerOptions {
  port: number;
  dataDir: string;
  /** Origins allowed by CORS (the test page's). */
  corsOrigins: string[];
  /** More environment variables (e.g. `API_KEYS`). */
  env?: Record<string, string>;
}

/** One server: `start()`, `kill()` (a crash), `start()` again, `stop()` (a clean shutdown). */
export class CollectionServer {
  readonly origin: string;
  private child: ChildProcess | undefined;
  /** The server's output (warnings and errors, with LOG_LEVEL=warn), for a failing test's message. */
  readonly output: string[] = [];

  constructor(private readonly options: CollectionServerOptions) {
    this.origin = `http://127.0.0.1:${options.port}`;
  }

  /** Starts the process and resolves once `GET /health` answers 200 (PGlite may take several seconds to open). */
  async start(timeoutMs = 90_000): Promise<void> {
    if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: run \`pnpm --filter @emolens/server build\``);
    const child = spawn(process.execPath, [SERVER_MAIN], {
      env: {
        ...process.env,
        PORT: String(this.options.port),
        HOST: '127.0.0.1',
        DATA_DIR: this.options.dataDir,
        CORS_ORIGINS: this.options.corsOrigins.join(','),
        LOG_LEVEL: 'warn',
        ...this.options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => this.output.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => this.output.push(d.toString()));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${this.output.join('')}`);
      try {
        const response = await fetch(`${this.origin}/health`);
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the server did not answer /health within ${timeoutMs} ms: ${this.output.join('')}`);
  }

  /** Kills the process with `signal` (default SIGKILL, a crash) and waits for it to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  /** A clean shutdown (SIGTERM). */
  stop(): Promise<void> {
    return this.kill('SIGTERM');
  }
}
