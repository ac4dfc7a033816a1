/**
 * `@emolens/server` as a consumer gets it: the packed tarballs installed with npm into a fresh folder outside the
 * workspace, started with its `emolens-server` command on its embedded defaults (PGlite and files in `DATA_DIR`),
 * sent an annotation, and read back by `emolens-export`. Guards what only a tarball can get wrong: the shipped
 * migrations, the bins, the dependencies the manifest names.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireData } from '../setup/paths.ts';
import { freePort } from '../setup/collection-server.ts';
import { packTarballs } from './consumer-app.ts';

const PHOTO = join('wild', 'happy', 'Karin_Stoiber_0002.jpg');
let dir: string;
let server: ChildProcess | undefined;
let url: string;
let stderr = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'emolens-server-app-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'collector', private: true, type: 'module' }));
  const tarballs = packTarballs(['schema', 'server']);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...tarballs], { cwd: dir, stdio: 'pipe' });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  server = spawn(join(dir, 'node_modules', '.bin', 'emolens-server'), [], {
    cwd: dir,
    env: { PATH: process.env.PATH, PORT: String(port), DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  server.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  for (const started = Date.now(); Date.now() - started < 60_000; await new Promise((r) => setTimeout(r, 200))) {
    if ((await fetch(`${url}/health`).catch(() => undefined))?.ok) return;
    if (server.exitCode !== null) break;
  }
  throw new Error(`emolens-server did not start:\n${stderr}`);
}, 300_000);

afterAll(() => {
  server?.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('@emolens/server installed from its tarball', () => {
  it('refuses a port in use with one line that says so, and exit code 1', async () => {
    const second = spawn(join(dir, 'node_modules', '.bin', 'emolens-server'), [], {
      cwd: dir,
      env: { PATH: process.env.PATH, PORT: new URL(url).port, DATA_DIR: join(dir, 'data-2'), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    second.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    second.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    expect(code).toBe(1);
    expect(output.trim()).toBe(`could not listen: port ${new URL(url).port} on 127.0.0.1 is in use; stop what holds it, or set PORT to another port`);
  }, 120_000);

  it('stores an annotation once, serves /load, /docs and /metrics, and emolens-export writes it out', async () => {
    const image = readFileSync(join(requireData(), PHOTO));
    const body = JSON.stringify({
      image_base64: image.toString('base64'),
      ...{ predicted_boredom: 1.2, predicted_confusion: 0.8, predicted_engagement: 2.1, predicted_frustration: 0.3 },
      ...{ user_boredom: 1.5, user_confusion: 1, user_engagement: 2, user_frustration: 0.5 },
      user_emotion: 'happiness',
    });
    const post = () => fetch(`${url}/insert`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'first' }, body });
    const first = await post();
    expect(first.status, await first.clone().text()).toBe(201);
    const again = await post();
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual(await first.json());

    const load = (await (await fetch(`${url}/load`)).json()) as { count: number; data: { user_engagement: number; image_bytes: number }[] };
    expect(load.count).toBe(1);
    expect(load.data[0]).toMatchObject({ user_engagement: 2, image_bytes: image.length });
    const docs = (await (await fetch(`${url}/docs/json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(docs.paths)).toEqual(expect.arrayContaining(['/insert', '/load', '/health', '/metrics']));
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^# HELP /m);

    // The embedded database has one owner at a time: the export runs once the server has stopped.
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server!.kill('SIGTERM');
    await exited;
    const out = join(dir, 'training');
    execFileSync(join(dir, 'node_modules', '.bin', 'emolens-export'), ['--out', out], {
      cwd: dir,
      env: { PATH: process.env.PATH, DATA_DIR: join(dir, 'data') },
      stdio: 'pipe',
    });
    const [header, row, ...rest] = readFileSync(join(out, 'labels.csv'), 'utf8').trimEnd().split(/\r?\n/);
    expect(rest).toEqual([]);
    expect(header).toMatch(/^id,image,created_at,predicted_boredom,/);
    const file = row!.split(',')[1]!;
    expect(readFileSync(join(out, file)).equals(image)).toBe(true);
  });
});
