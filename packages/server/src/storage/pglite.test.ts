import { mkdir, mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStorage } from '../config.js';
import { DataDirLockedError } from './data-dir-lock.js';
import { createPgliteDatabase } from './pglite.js';
import { insertBody, makeJpeg, startTestServer } from '../server.fixture.js';

describe('PGlite and files on a data directory', () => {
  it('keeps rows and images across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'emolens-data-'));
    try {
      const first = await openStorage({ dataDir, databaseUrl: undefined, s3: undefined });
      expect([first.database.kind, first.blobs.kind]).toEqual(['pglite', 'files']);
      const server = await startTestServer(first);
      const response = await server.app.inject({ method: 'POST', url: '/insert', payload: insertBody(await makeJpeg(), { meta: { session: 's1' } }) });
      expect(response.statusCode).toBe(201);
      const { id, image_key } = response.json<{ id: string; image_key: string }>();
      await server.close();
      await first.database.close();

      const second = await openStorage({ dataDir, databaseUrl: undefined, s3: undefined });
      const again = await startTestServer(second);
      const load = await again.app.inject({ method: 'GET', url: '/load' });
      expect(load.json().data).toMatchObject([{ id, image_key, meta: { session: 's1' } }]);
      expect(await second.blobs.get(image_key)).not.toBeNull();
      await again.close();
      await second.database.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a second process on the data directory while the first holds it, and lets it in once closed', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'emolens-data-'));
    try {
      const first = await openStorage({ dataDir, databaseUrl: undefined, s3: undefined });
      // Each storage (the server's thread, the in-process PGlite the export tools use) takes the same lock.
      await expect(openStorage({ dataDir, databaseUrl: undefined, s3: undefined })).rejects.toBeInstanceOf(DataDirLockedError);
      await expect(createPgliteDatabase(join(dataDir, 'db'))).rejects.toThrow(/in use by another process/);
      await first.database.close();
      const second = await createPgliteDatabase(join(dataDir, 'db'));
      await second.close();
      // A holder killed without closing leaves its lock behind, no longer refreshed: the next start takes it over.
      await mkdir(join(dataDir, 'db.lock'));
      const minuteAgo = new Date(Date.now() - 60_000);
      await utimes(join(dataDir, 'db.lock'), minuteAgo, minuteAgo);
      const third = await openStorage({ dataDir, databaseUrl: undefined, s3: undefined });
      await third.database.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('writes nothing more once another process took the data directory over, and says so once', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'emolens-data-'));
    try {
      const losses: Error[] = [];
      const first = await openStorage({ dataDir, databaseUrl: undefined, s3: undefined }, (error) => losses.push(error));
      const server = await startTestServer(first);
      const insert = async () => (await server.app.inject({ method: 'POST', url: '/insert', payload: insertBody(await makeJpeg()) })).statusCode;
      expect(await insert()).toBe(201);
      // As if this process had been paused past the stale time: its lock looks abandoned, and another takes it.
      const minuteAgo = new Date(Date.now() - 60_000);
      await utimes(join(dataDir, 'db.lock'), minuteAgo, minuteAgo);
      const second = await createPgliteDatabase(join(dataDir, 'db'));
      expect(await insert()).toBe(500);
      expect(await insert()).toBe(500);
      expect((await server.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(503);
      expect(losses.map((e) => e.name)).toEqual(['DataDirLostError']);
      await server.close();
      await first.database.close(); // leaves the directory as the other process has it
      expect(await second.query('SELECT count(*)::int AS n FROM annotations')).toEqual([{ n: 1 }]);
      await second.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

