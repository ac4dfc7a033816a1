/**
 * A throwaway PostgreSQL server for tests and benchmarks, from the distribution's packages (Debian's
 * `postgresql`: binaries in `/usr/lib/postgresql/<version>/bin`). Each call makes a fresh cluster in a temporary
 * folder, listening on 127.0.0.1 on a free port, and `stop()` removes every trace of it.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';

/** Where Debian (and Ubuntu) install each PostgreSQL major version, one folder per version. */
const DEBIAN_ROOT = '/usr/lib/postgresql';
/** Milliseconds the server may take to become ready. Defaults to 60 s: initdb on a busy 2-core machine is slow. */
const START_TIMEOUT_MS = 60_000;

/** Settings of {@link startPostgresServer}. */
export interface PostgresServerOptions {
  /** Name of the database to create. Defaults to `emolens_test`. */
  database?: string;
  /**
   * `true` keeps PostgreSQL's defaults (fsync on every commit), for benchmarks whose figures must mean something.
   * Defaults to `false`: tests turn fsync off, which is several times faster and safe for throwaway data.
   */
  durable?: boolean;
}

/** A running throwaway PostgreSQL server. */
export interface PostgresServer {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/<database>`. */
  readonly url: string;
  /** The server's major version, e.g. `15`. */
  readonly version: string;
  /** Process id of the postmaster (its backends are its children), for CPU accounting in benchmarks. */
  readonly pid: number;
  /** Shuts the server down (fast shutdown: open connections are cut) and deletes its files. Idempotent. */
  stop(): Promise<void>;
}

/** The bin folder of the newest PostgreSQL that Debian's packages installed, or `null` when there is none. */
export function findPostgresBin(): { bin: string; version: string } | null {
  if (!existsSync(DEBIAN_ROOT)) return null;
  const versions = readdirSync(DEBIAN_ROOT)
    .filter((name) => /^\d+(\.\d+)?$/.test(name) && existsSync(join(DEBIAN_ROOT, name, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  const version = versions[0];
  return version ? { bin: join(DEBIAN_ROOT, version, 'bin'), version } : null;
}

/**
 * Starts a fresh PostgreSQL cluster and creates a database in it. Rejects with the install command when the
 * binaries are missing, and with the server's log when it does not start.
 */
export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const found = findPostgresBin();
  if (!found) {
    throw new Error(
      `PostgreSQL is not installed (no ${DEBIAN_ROOT}/<version>/bin/postgres). ` +
        'Install it with: apt-get install -y postgresql (the tests start their own server; none needs to run).',
    );
  }
  const database = options.database ?? 'emolens_test';
  const user = unprivilegedUser();
  const root = mkdtempSync(join(tmpdir(), 'emolens-pg-'));
  const dataDir = join(root, 'data');
  const socketDir = join(root, 'sock');
  mkdirSync(socketDir);
  const password = randomBytes(12).toString('hex');
  const pwfile = join(root, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (user) for (const path of [root, socketDir, pwfile]) chownSync(path, user.uid, user.gid);

  let child: ChildProcess | undefined;
  const cleanupOnExit = () => {
    // The process is exiting without stop(): an orphaned postmaster would keep the port and the folder.
    child?.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', cleanupOnExit);
  const cleanup = () => {
    process.removeListener('exit', cleanupOnExit);
    rmSync(root, { recursive: true, force: true });
  };

  try {
    await run(join(found.bin, 'initdb'), [
      '-D', dataDir, '-U', 'postgres', '--pwfile', pwfile, '-E', 'UTF8', '--locale=C',
      '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync', '--no-instructions',
    ], root, user);
    const port = await freePort();
    const settings = options.durable
      ? []
      : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];
    child = spawn(
      join(found.bin, 'postgres'),
      ['-D', dataDir, '-h', '127.0.0.1', '-p', String(port), '-k', socketDir, '-c', 'max_connections=100', ...settings],
      { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], ...(user ?? {}) },
    );
    await waitUntilReady(child);
    const admin = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(`create database ${pg.escapeIdentifier(database)}`);
    } finally {
      await client.end();
    }

    let stopping: Promise<void> | undefined;
    const started = child;
    return {
      url: `postgres://postgres:${password}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
      version: found.version,
      pid: started.pid!,
      stop() {
        stopping ??= (async () => {
          await terminate(started);
          cleanup();
        })();
        return stopping;
      },
    };
  } catch (error) {
    if (child) await terminate(child);
    cleanup();
    throw error;
  }
}

/**
 * The `postgres` system user when this process is root (initdb and postgres refuse to run as root), or `null`
 * when it runs as an ordinary user already. Spawning with `uid`/`gid` (libuv also drops root's supplementary
 * groups) needs no `runuser` or `setpriv`, and keeps the server's pid ours to signal.
 */
function unprivilegedUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid || !gid) {
    throw new Error(
      'Running as root, and there is no "postgres" user to run PostgreSQL as (initdb refuses root). ' +
        "Debian's package creates it: apt-get install -y postgresql.",
    );
  }
  return { uid: Number(uid), gid: Number(gid) };
}

function run(file: string, args: string[], cwd: string, user: { uid: number; gid: number } | null): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, ...(user ?? {}) }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} failed: ${error.message}\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

function waitUntilReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => fail(new Error(`PostgreSQL did not start within ${START_TIMEOUT_MS} ms:\n${log}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('ready to accept connections')) done();
    };
    const onExit = (code: number | null) => fail(new Error(`PostgreSQL exited (${code}) before it was ready:\n${log}`));
    const done = () => {
      clearTimeout(timer);
      child.off('exit', onExit);
      // Keep draining the log so a chatty server never blocks on a full pipe.
      child.stderr?.off('data', onData).resume();
      resolve();
    };
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      reject(error);
    };
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Fast shutdown (SIGINT), then SIGKILL if the server has not exited within 10 s. */
function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT');
  });
}
