/**
 * A throwaway S3-compatible server for tests and benchmarks: `s3rver` (a devDependency) on 127.0.0.1, on a free
 * port, keeping its objects in a temporary folder that `stop()` deletes.
 *
 * It runs as a child process, not in the caller's: s3rver 3.7 encrypts its ListObjectsV2 continuation tokens with
 * DES, which OpenSSL 3 (Node 17+) only offers with `--openssl-legacy-provider`, so without that flag every listing
 * longer than one page fails with a 500. The flag is process-wide; a child keeps it away from the code under test
 * (and puts the S3 work on its own event loop, as a real S3 would be).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Milliseconds s3rver may take to listen. */
const START_TIMEOUT_MS = 30_000;

/** Settings of {@link startS3Server}. */
export interface S3ServerOptions {
  /** Bucket to create. Defaults to `emolens-test`. */
  bucket?: string;
}

/** A running s3rver, with what a client needs to reach its bucket. */
export interface S3Server {
  /** `http://127.0.0.1:<port>`; use path-style addressing (`forcePathStyle: true`). */
  readonly endpoint: string;
  readonly bucket: string;
  /** s3rver's fixed credentials (`S3RVER`/`S3RVER`): it checks signatures against them. */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Any region signs correctly; this is the one to pass. */
  readonly region: string;
  /** The folder s3rver keeps the bucket in (`<bucket>/<key>._S3rver_object` files). */
  readonly directory: string;
  /** Process id of the s3rver process, for CPU accounting in benchmarks. */
  readonly pid: number;
  /** Stops the server (its connections drop) and deletes its folder. Idempotent. */
  stop(): Promise<void>;
}

/** Starts s3rver with one empty bucket. */
export async function startS3Server(options: S3ServerOptions = {}): Promise<S3Server> {
  const bucket = options.bucket ?? 'emolens-test';
  const directory = mkdtempSync(join(tmpdir(), 'emolens-s3-'));
  const bin = createRequire(import.meta.url).resolve('s3rver/bin/s3rver.js');
  const child = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      bin,
      '--directory', directory,
      '--address', '127.0.0.1',
      // Port 0: the kernel picks a free one and s3rver prints it, so two test files never race for a port.
      '--port', '0',
      '--silent',
      '--no-vhost-buckets',
      '--configure-bucket', bucket,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const cleanupOnExit = () => {
    child.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  };
  process.once('exit', cleanupOnExit);

  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new Error(`s3rver did not start within ${START_TIMEOUT_MS} ms:\n${log}`)), START_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        const match = /listening on [^\s:]+:(\d+)/.exec(log);
        if (match) {
          clearTimeout(timer);
          child.off('exit', onExit);
          resolve(Number(match[1]));
        }
      };
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`s3rver exited (${code}) before it listened:\n${log}`));
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
      child.once('exit', onExit);
    });
  } catch (error) {
    process.removeListener('exit', cleanupOnExit);
    cleanupOnExit();
    throw error;
  }
  // Keep draining both pipes so the child never blocks on a full one.
  child.stdout.resume();
  child.stderr.resume();

  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    region: 'us-east-1',
    directory,
    pid: child.pid!,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          await new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          });
        }
        process.removeListener('exit', cleanupOnExit);
        rmSync(directory, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
