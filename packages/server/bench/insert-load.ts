/**
 * Load benchmark of `POST /insert` on each storage configuration: PGlite + files, PGlite + S3, PostgreSQL + files,
 * PostgreSQL + S3 (PostgreSQL from Debian's package, S3 from s3rver, both started here and thrown away).
 *
 *   tsx packages/server/bench/insert-load.ts [--duration 20] [--connections 10] [--configs pglite-files,postgres-s3]
 *                                            [--runner dist|tsx] [--skip-stages] [--image-check structure|decode]
 *                                            [--cpu-prof DIR] [--out FILE]
 *
 * The server runs as a child process (`node dist/main.js`, or `src/main.ts` through tsx when the build is missing
 * or older than a source file),
 * configured by environment like a deployment; autocannon drives it from this process. Each request posts a
 * distinct 50 KB JPEG body from a pool with its own Idempotency-Key. After the run the server is stopped (it
 * finishes what is in flight) and every id answered 201 is looked up in the database and its image in the store:
 * "lost" counts acknowledged annotations that are not both there, which must be 0.
 *
 * Where the time goes: CPU seconds per request of each process (server, PostgreSQL, s3rver, load generator) from
 * /proc, the mean wall time of each stage under the load (the server's `emolens_insert_stage_duration_seconds`), and
 * each stage of an insert timed alone (`--skip-stages` skips): parse, validate, hash, decode, image
 * check (the JPEG walk, and with a decode), blob put on each store, database transaction on each database.
 * `--cpu-prof DIR` writes V8 CPU profiles of the server's threads (`.cpuprofile`, for Chrome DevTools) into DIR;
 * `--image-check` sets the server's `IMAGE_CHECK` (default: the server's own default).
 *
 * Results: `test/bench/results/server-<date>.json`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Ajv2020 from 'ajv/dist/2020.js';
import autocannon from 'autocannon';
import sharp from 'sharp';
import { DEFAULT_IMAGE_CHECK } from '../src/config.js';
import { findIdempotencyRecord, requestHash, saveIdempotencyRecord } from '../src/annotations/idempotency.js';
import { insertAnnotation } from '../src/annotations/repository.js';
import { decodeBase64 } from '../src/image/base64.js';
import { inspectImage } from '../src/image/inspect.js';
import { imageKey, uuidv7 } from '../src/image/keys.js';
import { INSERT_REQUEST_ID, SHARED_SCHEMAS } from '../src/schemas/shared.js';
import type { BlobStore } from '../src/storage/blob-store.js';
import type { Database } from '../src/storage/database.js';
import { createFileBlobStore } from '../src/storage/file-store.js';
import { migrate } from '../src/storage/migrate.js';
import { createPgliteDatabase } from '../src/storage/pglite.js';
import { createPostgresDatabase } from '../src/storage/postgres.js';
import { createS3BlobStore } from '../src/storage/s3-store.js';
import { freePort } from '../src/testing/free-port.js';
import { startPostgresServer, type PostgresServer } from '../src/testing/postgres-server.js';
import { startS3Server, type S3Server } from '../src/testing/s3-server.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_DIR = join(PACKAGE_DIR, '..', '..');
const CONFIGS = ['pglite-files', 'pglite-s3', 'postgres-files', 'postgres-s3'] as const;
type ConfigName = (typeof CONFIGS)[number];
/** Distinct images in the body pool. */
const POOL_SIZE = 32;
/** Target size of each JPEG. */
const IMAGE_BYTES = 50_000;
/** Seconds of load before the measured run (JIT, caches, connection pools); its inserts are checked too. */
const WARMUP_SECONDS = 3;
/** Iterations of each stage timed alone. */
const STAGE_ITERATIONS = 100;

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: '10' },
    configs: { type: 'string', default: CONFIGS.join(',') },
    runner: { type: 'string' },
    'skip-stages': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'image-check': { type: 'string' },
    out: { type: 'string' },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);
const configs = args.configs!.split(',').map((name) => {
  if (!(CONFIGS as readonly string[]).includes(name)) throw new Error(`unknown config ${name}; known: ${CONFIGS.join(', ')}`);
  return name as ConfigName;
});
const distMain = join(PACKAGE_DIR, 'dist', 'main.js');
const runner = (args.runner ?? (distIsCurrent() ? 'dist' : 'tsx')) as 'dist' | 'tsx';

/** Whether `dist/main.js` exists and no source file is newer: a stale build would measure old code. */
function distIsCurrent(): boolean {
  if (!existsSync(distMain)) return false;
  const built = statSync(distMain).mtimeMs;
  const sources = readdirSync(join(PACKAGE_DIR, 'src'), { recursive: true, encoding: 'utf8' });
  return sources.every((file) => !file.endsWith('.ts') || statSync(join(PACKAGE_DIR, 'src', file)).mtimeMs <= built);
}

// ---------------------------------------------------------------------------------------------------------------
// Request bodies

interface Body {
  json: Buffer;
  parsed: Record<string, unknown>;
}

/** JPEG quality giving about IMAGE_BYTES for a noisy 320×240 image (found once, by bisection). */
async function makeBodies(): Promise<Body[]> {
  const noise = (seed: number) => {
    // Blocky noise: compresses like a photo (some detail, some flat areas), not like white noise.
    const width = 320;
    const height = 240;
    const pixels = Buffer.alloc(width * height * 3);
    let state = seed * 2654435761;
    for (let y = 0; y < height; y += 4) {
      for (let x = 0; x < width; x += 4) {
        state = (state * 1103515245 + 12345) >>> 0;
        for (let dy = 0; dy < 4; dy++) {
          for (let dx = 0; dx < 4; dx++) {
            const i = ((y + dy) * width + x + dx) * 3;
            pixels[i] = (state >>> 8) & 0xff;
            pixels[i + 1] = (state >>> 16) & 0xff;
            pixels[i + 2] = ((state >>> 24) + dx * 16) & 0xff;
          }
        }
      }
    }
    return sharp(pixels, { raw: { width, height, channels: 3 } });
  };
  let low = 10;
  let high = 100;
  while (high - low > 1) {
    const quality = Math.floor((low + high) / 2);
    const size = (await noise(1).jpeg({ quality }).toBuffer()).length;
    if (size > IMAGE_BYTES) high = quality;
    else low = quality;
  }
  const bodies: Body[] = [];
  for (let i = 0; i < POOL_SIZE; i++) {
    const jpeg = await noise(i + 1).jpeg({ quality: low }).toBuffer();
    const parsed = {
      image_base64: jpeg.toString('base64'),
      predicted_boredom: i % 4,
      predicted_confusion: 1.5,
      predicted_engagement: 2,
      predicted_frustration: 0.5,
      user_boredom: (i + 1) % 4,
      user_confusion: 1,
      user_engagement: 3,
      user_frustration: 0,
      predicted_emotion: 'neutral',
      user_emotion: 'happiness',
    };
    bodies.push({ json: Buffer.from(JSON.stringify(parsed)), parsed });
  }
  return bodies;
}

// ---------------------------------------------------------------------------------------------------------------
// CPU accounting from /proc

const CLOCK_TICKS = 100;

/** CPU seconds used so far by `pid` and all its descendants (living ones, and reaped ones through c*time). */
function treeCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      // After the command: state ppid … utime(14) stime(15) cutime(16) cstime(17), counted from 3.
      const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      stats.set(Number(name), { ppid: Number(fields[1]), ticks });
    } catch {
      // The process ended while we read /proc.
    }
  }
  let total = 0;
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.pop()!;
    total += stats.get(current)?.ticks ?? 0;
    for (const [child, stat] of stats) if (stat.ppid === current) queue.push(child);
  }
  return total / CLOCK_TICKS;
}

// ---------------------------------------------------------------------------------------------------------------
// One configuration

interface Backing {
  postgres?: PostgresServer;
  s3?: S3Server;
  dataDir: string;
}

interface RunFigures {
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; mean: number; max: number };
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

interface ConfigResult extends RunFigures {
  config: ConfigName;
  /** 201 answers over the warm-up and the measured run. */
  acknowledged: number;
  rows: number;
  blobs: number;
  /** Acknowledged ids without a row, or whose row's image is not in the store. Must be 0. */
  lost: number;
  /** Rows whose id was never acknowledged (in flight when the load stopped): not an error. */
  unacknowledgedRows: number;
  /** Images without a row (orphans the sweep would delete later). */
  orphanBlobs: number;
  /** CPU seconds per acknowledged request during the measured run, by process. */
  cpuMsPerRequest: { server: number; postgres: number; s3rver: number; loadGenerator: number };
  /** CPU use during the measured run, in cores (2.0 = both cores of a 2-core machine busy). */
  coresBusy: { server: number; postgres: number; s3rver: number; loadGenerator: number };
  /** Mean wall time of each stage of an insert under this load, from the server's own histogram. */
  stageWallMs: Record<string, number>;
}

function serverEnv(config: ConfigName, backing: Backing, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: backing.dataDir,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MAX: '0',
    ORPHAN_GRACE_MS: '0',
    ...(args['image-check'] === undefined ? {} : { IMAGE_CHECK: args['image-check'] }),
    // The server's own tuning knob (README, Performance): passed through when the caller sets it.
    ...(process.env.UV_THREADPOOL_SIZE ? { UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE } : {}),
  };
  if (config.startsWith('postgres')) env.DATABASE_URL = backing.postgres!.url;
  if (config.endsWith('s3')) {
    Object.assign(env, {
      S3_ENDPOINT: backing.s3!.endpoint,
      S3_BUCKET: backing.s3!.bucket,
      S3_REGION: backing.s3!.region,
      S3_ACCESS_KEY_ID: backing.s3!.accessKeyId,
      S3_SECRET_ACCESS_KEY: backing.s3!.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    });
  }
  return env;
}

async function startServer(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string; log: () => string }> {
  const profile = args['cpu-prof'] === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`];
  const argv = [...profile, ...(runner === 'dist' ? [distMain] : ['--import', 'tsx', join(PACKAGE_DIR, 'src', 'main.ts')])];
  const child = spawn(process.execPath, argv, { cwd: PACKAGE_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000)));
  child.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${env.PORT}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${log}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`the server did not become healthy within 60 s:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { child, url, log: () => log };
}

function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Runs autocannon and collects the id of every 201. */
async function load(url: string, bodies: Body[], seconds: number, acknowledged: Set<string>): Promise<RunFigures> {
  let next = 0;
  const run = Date.now().toString(36);
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    pipelining: 1,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/insert',
        setupRequest: (request) => {
          const n = next++;
          return {
            ...request,
            headers: { 'content-type': 'application/json', 'idempotency-key': `bench-${run}-${n}` },
            body: bodies[n % bodies.length]!.json,
          };
        },
        onResponse: (status, body) => {
          if (status === 201) acknowledged.add((JSON.parse(body) as { id: string }).id);
        },
      },
    ],
  });
  return {
    requests: result.requests.total,
    requestsPerSecond: round(result.requests.average),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      mean: round(result.latency.average),
      max: result.latency.max,
    },
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

async function runConfig(config: ConfigName, bodies: Body[]): Promise<ConfigResult> {
  const dataDir = await mkdtemp(join(tmpdir(), `emolens-bench-${config}-`));
  const backing: Backing = { dataDir };
  try {
    if (config.startsWith('postgres')) backing.postgres = await startPostgresServer({ durable: true, database: 'emolens_bench' });
    if (config.endsWith('s3')) backing.s3 = await startS3Server({ bucket: 'emolens-bench' });
    const server = await startServer(serverEnv(config, backing, await freePort()));
    const acknowledged = new Set<string>();
    let figures: RunFigures;
    let coresBusy: ConfigResult['coresBusy'];
    let cpuMsPerRequest: ConfigResult['cpuMsPerRequest'];
    let stageWallMs: ConfigResult['stageWallMs'];
    try {
      await load(server.url, bodies, WARMUP_SECONDS, acknowledged);
      const cpuNow = () => ({
        server: treeCpuSeconds(server.child.pid),
        postgres: treeCpuSeconds(backing.postgres?.pid),
        s3rver: treeCpuSeconds(backing.s3?.pid),
        loadGenerator: (({ user, system }) => (user + system) / 1e6)(process.cpuUsage()),
      });
      const before = cpuNow();
      const stagesBefore = await insertStageTotals(server.url);
      const ackBefore = acknowledged.size;
      const started = performance.now();
      figures = await load(server.url, bodies, duration, acknowledged);
      const elapsed = (performance.now() - started) / 1000;
      const after = cpuNow();
      stageWallMs = stageMeans(stagesBefore, await insertStageTotals(server.url));
      const measured = Math.max(1, acknowledged.size - ackBefore);
      const used = (name: keyof typeof before) => after[name] - before[name];
      const names = ['server', 'postgres', 's3rver', 'loadGenerator'] as const;
      coresBusy = Object.fromEntries(names.map((name) => [name, round(used(name) / elapsed)])) as ConfigResult['coresBusy'];
      cpuMsPerRequest = Object.fromEntries(names.map((name) => [name, round((used(name) * 1000) / measured)])) as ConfigResult['cpuMsPerRequest'];
    } finally {
      await stopServer(server.child);
    }
    if (server.child.exitCode !== 0) console.warn(`  the server exited with ${server.child.exitCode}:\n${server.log()}`);

    // Count what is stored, through the same interfaces the server used.
    const database: Database = backing.postgres ? await createPostgresDatabase(backing.postgres.url) : await createPgliteDatabase(join(dataDir, 'db'));
    const blobs: BlobStore = backing.s3 ? createS3BlobStore({ ...backing.s3, forcePathStyle: true }) : await createFileBlobStore(join(dataDir, 'images'));
    try {
      const rows = new Map<string, string>();
      for (const row of await database.query<{ id: string; image_key: string }>('SELECT id::text AS id, image_key FROM annotations')) rows.set(row.id, row.image_key);
      const keys = new Set<string>();
      for await (const key of blobs.list('images/')) keys.add(key);
      let lost = 0;
      for (const id of acknowledged) {
        const key = rows.get(id);
        if (key === undefined || !keys.has(key)) lost++;
      }
      const rowKeys = new Set(rows.values());
      return {
        config,
        ...figures,
        acknowledged: acknowledged.size,
        rows: rows.size,
        blobs: keys.size,
        lost,
        unacknowledgedRows: [...rows.keys()].filter((id) => !acknowledged.has(id)).length,
        orphanBlobs: [...keys].filter((key) => !rowKeys.has(key)).length,
        cpuMsPerRequest,
        coresBusy,
        stageWallMs,
      };
    } finally {
      await database.close();
      await blobs.close();
    }
  } finally {
    await backing.postgres?.stop();
    await backing.s3?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Sum and count of `emolens_insert_stage_duration_seconds` per stage, read from the server's `/metrics`. */
async function insertStageTotals(url: string): Promise<Map<string, { sum: number; count: number }>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const totals = new Map<string, { sum: number; count: number }>();
  for (const match of text.matchAll(/^emolens_insert_stage_duration_seconds_(sum|count)\{stage="(\w+)"\} (\S+)$/gm)) {
    const entry = totals.get(match[2]!) ?? { sum: 0, count: 0 };
    entry[match[1] as 'sum' | 'count'] = Number(match[3]);
    totals.set(match[2]!, entry);
  }
  return totals;
}

/** Mean milliseconds per stage between two readings of {@link insertStageTotals}. */
function stageMeans(before: Map<string, { sum: number; count: number }>, after: Map<string, { sum: number; count: number }>): Record<string, number> {
  return Object.fromEntries(
    [...after].map(([stage, { sum, count }]) => {
      const earlier = before.get(stage) ?? { sum: 0, count: 0 };
      return [stage, round(((sum - earlier.sum) * 1000) / Math.max(1, count - earlier.count))];
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Stages alone

interface StageFigures {
  p50Ms: number;
  meanMs: number;
}

async function time(iterations: number, work: (i: number) => unknown): Promise<StageFigures> {
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await work(i);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { p50Ms: round(samples[Math.floor(samples.length / 2)]!, 3), meanMs: round(samples.reduce((a, b) => a + b, 0) / samples.length, 3) };
}

/** Each stage of an insert, one request at a time, in this process: what a request costs with no contention. */
async function measureStages(bodies: Body[]): Promise<Record<string, StageFigures>> {
  const stages: Record<string, StageFigures> = {};
  const texts = bodies.map((body) => body.json.toString());
  const ajv = new Ajv2020({ strict: true, allErrors: false, coerceTypes: false, useDefaults: false, removeAdditional: false });
  for (const schema of SHARED_SCHEMAS) ajv.addSchema(schema);
  const validate = ajv.compile({ $ref: INSERT_REQUEST_ID });
  const pick = (i: number) => bodies[i % bodies.length]!;

  stages.json_parse = await time(STAGE_ITERATIONS, (i) => JSON.parse(texts[i % texts.length]!));
  stages.validate = await time(STAGE_ITERATIONS, (i) => {
    if (!validate(pick(i).parsed)) throw new Error(JSON.stringify(validate.errors));
  });
  stages.idempotency_hash = await time(STAGE_ITERATIONS, (i) => requestHash(pick(i).parsed));
  const decoded = bodies.map((body) => decodeBase64(body.parsed.image_base64 as string));
  stages.base64_decode = await time(STAGE_ITERATIONS, (i) => decodeBase64(pick(i).parsed.image_base64 as string));
  stages.image_check = await time(STAGE_ITERATIONS, (i) => inspectImage(decoded[i % decoded.length]!));
  stages.image_check_decode = await time(STAGE_ITERATIONS, (i) => inspectImage(decoded[i % decoded.length]!, { decodeJpeg: true }));
  stages.sha256 = await time(STAGE_ITERATIONS, (i) => createHash('sha256').update(decoded[i % decoded.length]!).digest('hex'));

  const root = await mkdtemp(join(tmpdir(), 'emolens-bench-stages-'));
  let s3: S3Server | undefined;
  let postgres: PostgresServer | undefined;
  try {
    const put = (store: BlobStore) => (i: number) => store.put(imageKey(uuidv7(), 'jpg'), decoded[i % decoded.length]!, 'image/jpeg');
    const files = await createFileBlobStore(join(root, 'images'));
    stages.blob_put_files_fsync = await time(STAGE_ITERATIONS, put(files));
    s3 = await startS3Server({ bucket: 'stages' });
    const bucket = createS3BlobStore({ ...s3, forcePathStyle: true });
    await bucket.put('warm/up.jpg', decoded[0]!, 'image/jpeg');
    stages.blob_put_s3rver = await time(STAGE_ITERATIONS, put(bucket));
    await bucket.close();

    const insert = (database: Database) => async (i: number) => {
      const body = pick(i).parsed;
      const idempotency = { scope: '', key: randomUUID(), requestSha256: 'f'.repeat(64) };
      await findIdempotencyRecord(database, idempotency);
      const id = uuidv7();
      await database.transaction(async (tx) => {
        await insertAnnotation(tx, {
          id, imageKey: imageKey(id, 'jpg'), imageSha256: 'e'.repeat(64), imageType: 'image/jpeg',
          imageWidth: 320, imageHeight: 240, imageBytes: 50_000, body: body as never,
        });
        await saveIdempotencyRecord(tx, idempotency, id, 201, { status: 'success', id });
      });
    };
    const pglite = await createPgliteDatabase(join(root, 'db'));
    await migrate(pglite);
    await insert(pglite)(0);
    stages.db_insert_pglite = await time(STAGE_ITERATIONS, insert(pglite));
    await pglite.close();
    postgres = await startPostgresServer({ durable: true, database: 'stages' });
    const pg = await createPostgresDatabase(postgres.url);
    await migrate(pg);
    await insert(pg)(0);
    stages.db_insert_postgres_fsync = await time(STAGE_ITERATIONS, insert(pg));
    await pg.close();
  } finally {
    await s3?.stop();
    await postgres?.stop();
    await rm(root, { recursive: true, force: true });
  }
  return stages;
}

function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

// ---------------------------------------------------------------------------------------------------------------

// Other work on the machine skews every figure: the load average before and after goes into the results.
const loadBefore = loadavg()[0]!;
const bodies = await makeBodies();
const imageSizes = bodies.map((body) => decodeBase64(body.parsed.image_base64 as string).length);
console.log(
  `insert-load: ${configs.join(', ')}; ${duration} s at ${connections} connections after ${WARMUP_SECONDS} s of warm-up; ` +
    `server from ${runner}; IMAGE_CHECK=${args['image-check'] ?? DEFAULT_IMAGE_CHECK}; images ${Math.min(...imageSizes)}-${Math.max(...imageSizes)} bytes, bodies ${bodies[0]!.json.length} bytes`,
);
const results: ConfigResult[] = [];
for (const config of configs) {
  console.log(`\n${config}…`);
  const result = await runConfig(config, bodies);
  results.push(result);
  console.log(
    `  ${result.requestsPerSecond} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ` +
      `non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}\n` +
      `  acknowledged ${result.acknowledged}, rows ${result.rows}, blobs ${result.blobs}, LOST ${result.lost}, ` +
      `unacknowledged rows ${result.unacknowledgedRows}, orphan blobs ${result.orphanBlobs}\n` +
      `  CPU ms/request: server ${result.cpuMsPerRequest.server}, postgres ${result.cpuMsPerRequest.postgres}, ` +
      `s3rver ${result.cpuMsPerRequest.s3rver}, load generator ${result.cpuMsPerRequest.loadGenerator} ` +
      `(cores busy: ${Object.values(result.coresBusy).reduce((a, b) => a + b, 0).toFixed(2)} of ${cpus().length})\n` +
      `  wall ms/insert under load: ${Object.entries(result.stageWallMs).map(([stage, ms]) => `${stage} ${ms}`).join(', ')}`,
  );
}

let stages: Record<string, StageFigures> | undefined;
if (!args['skip-stages']) {
  console.log('\nstages, one request at a time:');
  stages = await measureStages(bodies);
  for (const [name, figures] of Object.entries(stages)) console.log(`  ${name.padEnd(26)} p50 ${figures.p50Ms} ms, mean ${figures.meanMs} ms`);
}

const date = new Date().toISOString().slice(0, 10);
const outFile = args.out ?? join(REPO_DIR, 'test', 'bench', 'results', `server-${date}.json`);
await mkdir(dirname(outFile), { recursive: true });
await writeFile(
  outFile,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        node: process.version,
        platform: process.platform,
        loadAverage1m: { before: round(loadBefore), after: round(loadavg()[0]!) },
      },
      settings: { duration, connections, warmupSeconds: WARMUP_SECONDS, runner, imageCheck: args['image-check'] ?? DEFAULT_IMAGE_CHECK, poolSize: POOL_SIZE, imageBytes: imageSizes, bodyBytes: bodies[0]!.json.length },
      results,
      stages,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwrote ${outFile}`);
if (results.some((result) => result.lost > 0)) process.exitCode = 1;
