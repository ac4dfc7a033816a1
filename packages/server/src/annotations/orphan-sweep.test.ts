import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageKey, uuidv7 } from '../image/keys.js';
import { insertBody, makeJpeg, startTestServer, type TestServer } from '../server.fixture.js';
import { sweepOrphans } from './orphan-sweep.js';

describe('orphan sweep', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('deletes images without a row older than the grace period, and keeps fresh orphans, rows\' images and foreign keys', async () => {
    const graceMs = 15 * 60_000;
    const now = Date.now();
    // An image with its row (stored through the API) — old enough, but it has a row.
    const stored = await server.app.inject({ method: 'POST', url: '/insert', payload: insertBody(await makeJpeg()) });
    const withRow = stored.json<{ image_key: string }>().image_key;
    // A crash between the blob write and the commit, an hour ago: an orphan.
    const oldOrphan = imageKey(uuidv7(now - 60 * 60_000), 'jpg');
    // An insert still in flight: written a second ago, no row yet.
    const freshOrphan = imageKey(uuidv7(now - 1000), 'png');
    // Something the server did not write.
    const foreign = 'images/readme.txt';
    for (const key of [oldOrphan, freshOrphan, foreign]) await server.blobs.put(key, new Uint8Array([1, 2, 3]), 'application/octet-stream');

    const deleted: string[] = [];
    const result = await sweepOrphans({ database: server.database, blobs: server.blobs, graceMs, now, onDelete: (key) => deleted.push(key) });
    expect(deleted).toEqual([oldOrphan]);
    expect(result).toEqual({ checked: 1, deleted: 1 });
    expect(await server.keys()).toEqual([freshOrphan, withRow, foreign].sort());

    // Without a grace period every image is checked: the fresh orphan goes, the row's image stays.
    expect(await sweepOrphans({ database: server.database, blobs: server.blobs, graceMs: 0 })).toEqual({ checked: 2, deleted: 1 });
    expect(await server.keys()).toEqual([withRow, foreign].sort());
    expect(await server.rows()).toBe(1);
  });

  it('runs when the server starts, and counts what it deleted in /metrics', async () => {
    await server.reset();
    const orphan = imageKey(uuidv7(Date.now() - 60 * 60_000), 'jpg');
    await server.blobs.put(orphan, new Uint8Array([1]), 'image/jpeg');
    const app = await startTestServer({ database: server.database, blobs: server.blobs, orphanSweep: { graceMs: 60_000, intervalMs: 0 } });
    for (let i = 0; i < 100 && (await server.keys()).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await server.keys()).toEqual([]);
    const metrics = await app.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/^emolens_orphans_deleted_total 1$/m);
    await app.close();
  });
});
