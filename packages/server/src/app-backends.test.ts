/**
 * The main scenarios of the API through `buildServer` on the backends the other tests do not use by default: a real
 * PostgreSQL with S3 (s3rver), PostgreSQL with files, PGlite with S3. Then each dependency is stopped and `/health`
 * must say so (503), an insert must fail cleanly, and no image may outlive its failed insert.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from './app.js';
import type { BlobStore } from './storage/blob-store.js';
import type { Database } from './storage/database.js';
import { createFileBlobStore } from './storage/file-store.js';
import { createPgliteDatabase } from './storage/pglite.js';
import { createPostgresDatabase } from './storage/postgres.js';
import { createS3BlobStore } from './storage/s3-store.js';
import { startPostgresServer } from './testing/postgres-server.js';
import { startS3Server } from './testing/s3-server.js';

/** A real 64×64 JPEG, as base64: the server decodes every image it stores. */
let jpegBase64: string;

function body(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    image_base64: jpegBase64,
    predicted_boredom: 1,
    predicted_confusion: 0.5,
    predicted_engagement: 2.5,
    predicted_frustration: 0,
    user_boredom: 2,
    user_confusion: 0,
    user_engagement: 3,
    user_frustration: 0.25,
    predicted_emotion: 'neutral',
    user_emotion: 'happiness',
    ...overrides,
  };
}

interface Backend {
  database: Database;
  blobs: BlobStore;
  /** Stops the PostgreSQL server, when this backend has one. */
  stopDatabase?: () => Promise<void>;
  /** Stops s3rver, when this backend has one. */
  stopBlobs?: () => Promise<void>;
  cleanup: () => Promise<void>;
}

const postgres = async () => {
  const server = await startPostgresServer();
  return { database: await createPostgresDatabase(server.url), stop: () => server.stop() };
};
const s3 = async () => {
  const server = await startS3Server();
  return { blobs: createS3BlobStore({ ...server, forcePathStyle: true }), stop: () => server.stop() };
};
const files = async () => {
  const root = await mkdtemp(join(tmpdir(), 'emolens-app-files-'));
  return { blobs: await createFileBlobStore(root, { fsync: false }), stop: () => rm(root, { recursive: true, force: true }) };
};

const BACKENDS: { name: string; open: () => Promise<Backend> }[] = [
  {
    name: 'PostgreSQL + S3',
    async open() {
      const [db, store] = await Promise.all([postgres(), s3()]);
      return { database: db.database, blobs: store.blobs, stopDatabase: db.stop, stopBlobs: store.stop, cleanup: async () => {} };
    },
  },
  {
    name: 'PostgreSQL + files',
    async open() {
      const [db, store] = await Promise.all([postgres(), files()]);
      return { database: db.database, blobs: store.blobs, stopDatabase: db.stop, cleanup: store.stop };
    },
  },
  {
    name: 'PGlite + S3',
    async open() {
      const [database, store] = await Promise.all([createPgliteDatabase(), s3()]);
      return { database, blobs: store.blobs, stopBlobs: store.stop, cleanup: async () => {} };
    },
  },
];

beforeAll(async () => {
  const noise = Buffer.from(Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 7919) & 0xff));
  jpegBase64 = (await sharp(noise, { raw: { width: 64, height: 64, channels: 3 } }).jpeg({ quality: 85 }).toBuffer()).toString('base64');
});

describe.each(BACKENDS)('the API on $name', ({ open }) => {
  let backend: Backend;
  let app: FastifyInstance;

  const keys = async () => {
    const all: string[] = [];
    for await (const key of backend.blobs.list('images/')) all.push(key);
    return all.sort();
  };
  const insert = (payload: Record<string, unknown>, idempotencyKey?: string) =>
    app.inject({ method: 'POST', url: '/insert', payload, headers: idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey } });

  beforeAll(async () => {
    backend = await open();
    app = await buildServer({ database: backend.database, blobs: backend.blobs, logLevel: 'silent', rateLimit: false, orphanSweep: false });
  });
  afterAll(async () => {
    await app?.close();
    await backend?.database.close().catch(() => {});
    await backend?.blobs.close();
    await backend?.stopDatabase?.();
    await backend?.stopBlobs?.();
    await backend?.cleanup();
  });

  it('reports both dependencies up on /health', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'ok',
      database: { status: 'ok', kind: backend.database.kind },
      blob_store: { status: 'ok', kind: backend.blobs.kind },
    });
  });

  it('stores an annotation: its row, its image, and /load shows it', async () => {
    const response = await insert(body());
    expect(response.statusCode).toBe(201);
    const { id, image_key: imageKey } = response.json<{ id: string; image_key: string }>();
    const stored = await backend.blobs.get(imageKey);
    expect(Buffer.from(stored!).toString('base64')).toBe(jpegBase64);

    const load = await app.inject({ method: 'GET', url: '/load?limit=10&offset=0' });
    expect(load.statusCode).toBe(200);
    const page = load.json<{ data: Record<string, unknown>[]; count: number }>();
    expect(page.data[0]).toMatchObject({ id, image_key: imageKey, user_engagement: 3, predicted_confusion: 0.5, user_emotion: 'happiness' });
  });

  it('answers a retry with the first response and stores nothing more', async () => {
    const key = randomUUID();
    const before = (await keys()).length;
    const first = await insert(body({ user_boredom: 3 }), key);
    const retry = await insert(body({ user_boredom: 3 }), key);
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect((await keys()).length).toBe(before + 1);

    const conflict = await insert(body({ user_boredom: 0 }), key);
    expect(conflict.statusCode).toBe(409);
  });

  it('stores one annotation for concurrent requests with one Idempotency-Key', async () => {
    const key = randomUUID();
    const before = await keys();
    const responses = await Promise.all(Array.from({ length: 6 }, () => insert(body({ user_frustration: 3 }), key)));
    expect(responses.map((response) => response.statusCode)).toEqual(Array(6).fill(201));
    expect(new Set(responses.map((response) => response.json<{ id: string }>().id)).size).toBe(1);
    // The losers of the race deleted the images they had written.
    expect((await keys()).length).toBe(before.length + 1);
  });

  it('refuses an image that is not one, and keeps nothing of it', async () => {
    const before = await keys();
    const response = await insert(body({ image_base64: Buffer.from('not an image at all').toString('base64') }));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'INVALID_IMAGE' } });
    expect(await keys()).toEqual(before);
  });

  it('reports 503 when a dependency stops, and fails inserts without leaving an image', async () => {
    if (backend.stopDatabase) {
      const before = await keys();
      await backend.stopDatabase();
      const failed = await insert(body());
      expect(failed.statusCode).toBe(500);
      expect(failed.body).not.toMatch(/postgres:\/\/|password|select|insert into/i);
      // The image was written before the transaction failed, then deleted.
      expect(await keys()).toEqual(before);
      const health = await app.inject({ method: 'GET', url: '/health' });
      expect(health.statusCode).toBe(503);
      expect(health.json()).toMatchObject({ status: 'degraded', database: { status: 'down' }, blob_store: { status: 'ok' } });
    }
    if (backend.stopBlobs) {
      await backend.stopBlobs();
      const failed = await insert(body());
      expect(failed.statusCode).toBe(500);
      const health = await app.inject({ method: 'GET', url: '/health' });
      expect(health.statusCode).toBe(503);
      expect(health.json()).toMatchObject({
        status: 'degraded',
        database: { status: backend.stopDatabase ? 'down' : 'ok' },
        blob_store: { status: 'down' },
      });
      if (!backend.stopDatabase) {
        // The database is up: the failed insert left no row.
        expect(await backend.database.query('SELECT count(*)::int AS n FROM annotations')).toEqual([{ n: 3 }]);
      }
    }
  });
});
