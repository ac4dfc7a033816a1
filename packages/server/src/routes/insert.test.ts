import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertBody, makeJpeg, startTestServer, type TestServer } from '../server.fixture.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { Database } from '../storage/database.js';

/**
 * `inner` with each `put` held at a gate, `before` or `after` the write: `wrote` resolves when a put reaches the gate,
 * `release` opens it.
 */
function gatedPuts(inner: BlobStore, hold: 'before' | 'after'): { store: BlobStore; wrote: Promise<void>; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let written!: () => void;
  const wrote = new Promise<void>((resolve) => (written = resolve));
  const store: BlobStore = {
    ...inner,
    kind: inner.kind,
    list: (prefix) => inner.list(prefix),
    put: async (key, bytes, type) => {
      if (hold === 'after') await inner.put(key, bytes, type);
      written();
      await gate;
      if (hold === 'before') await inner.put(key, bytes, type);
    },
  };
  return { store, wrote, release };
}

describe('POST /insert', () => {
  let server: TestServer;
  let jpeg: Buffer;
  beforeAll(async () => {
    server = await startTestServer();
    jpeg = await makeJpeg();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    await server.reset();
  });

  /** The insert counters in /metrics now. */
  const counters = async () => {
    const text = (await server.app.inject({ method: 'GET', url: '/metrics' })).body;
    const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    return { inserts: read('emolens_inserts_total'), replays: read('emolens_idempotent_replays_total'), pending: read('emolens_blobs_pending') };
  };

  const insert = (payload: unknown, headers: Record<string, string> = {}) => server.app.inject({ method: 'POST', url: '/insert', payload: payload as object, headers });

  it('stores the annotation and its image, and /load returns it with the extensions', async () => {
    const face = {
      face_id: 0,
      bbox: { x: 1, y: 2, width: 30, height: 40 },
      emotions: {
        primary: { label: 'happiness', confidence: 0.7 },
        all: ['happiness', 'neutral', 'surprise', 'sadness', 'anger', 'fear', 'disgust'].map((label, i) => ({ label, confidence: i === 0 ? 0.7 : 0.05 })),
      },
      dimensions: { valence: 0.5, arousal: 0.4 },
      head_pose: { yaw: 1, pitch: 2, roll: 3 },
    };
    const body = insertBody(jpeg, {
      predicted_emotion: 'happiness',
      user_emotion: 'surprise',
      predicted_probabilities: { happiness: 0.7, sadness: 0.05, anger: 0.05, fear: 0.05, disgust: 0.05, surprise: 0.05, neutral: 0.05 },
      wia_face: face as never,
      meta: { session: 'abc', device: 'laptop', frame: 12, mirrored: true, note: null },
    });
    const response = await insert(body);
    expect(response.statusCode, response.body).toBe(201);
    const created = response.json<{ status: string; id: string; image_key: string; created_at: string }>();
    expect(created).toEqual({ status: 'success', id: expect.stringMatching(/^[0-9a-f-]{36}$/), image_key: `images/${created.created_at.slice(0, 4)}/${created.created_at.slice(5, 7)}/${created.id}.jpg`, created_at: expect.any(String) });
    expect(Math.abs(Date.parse(created.created_at) - Date.now())).toBeLessThan(60_000);
    expect(response.headers['idempotent-replayed']).toBeUndefined();

    // The image is stored byte for byte, under the key the response names.
    expect(Buffer.from((await server.blobs.get(created.image_key))!).equals(jpeg)).toBe(true);

    const load = await server.app.inject({ method: 'GET', url: '/load' });
    expect(load.statusCode).toBe(200);
    const row = load.json().data[0];
    expect(row).toEqual({
      id: created.id,
      created_at: created.created_at,
      image_key: created.image_key,
      image_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      image_type: 'image/jpeg',
      image_width: 160,
      image_height: 160,
      image_bytes: jpeg.length,
      predicted_boredom: 1.2,
      predicted_confusion: 0.8,
      predicted_engagement: 2.1,
      predicted_frustration: 0.3,
      user_boredom: 1.5,
      user_confusion: 1,
      user_engagement: 2,
      user_frustration: 0.5,
      predicted_emotion: 'happiness',
      user_emotion: 'surprise',
      predicted_probabilities: body.predicted_probabilities,
      wia_face: face,
      meta: body.meta,
    });
    expect(load.body).not.toContain('image_base64');
  });

  it('accepts the plain Wakee body (no extensions), PNG and WebP', async () => {
    const sharp = (await import('sharp')).default;
    const png = await sharp(jpeg).png().toBuffer();
    const webp = await sharp(jpeg).webp().toBuffer();
    for (const [image, extension] of [[jpeg, 'jpg'], [png, 'png'], [webp, 'webp']] as const) {
      const response = await insert(insertBody(image));
      expect(response.statusCode).toBe(201);
      expect(response.json().image_key).toMatch(new RegExp(`\\.${extension}$`));
    }
    expect(await server.rows()).toBe(3);
  });

  it('refuses a wia_face with more mesh points or action units than a face has: a row stays small', async () => {
    const face = (landmarks: number, actionUnits: number) => ({
      face_id: 0,
      bbox: { x: 1, y: 2, width: 30, height: 40 },
      emotions: {
        primary: { label: 'happiness', confidence: 0.7 },
        all: ['happiness', 'neutral', 'surprise', 'sadness', 'anger', 'fear', 'disgust'].map((label, i) => ({ label, confidence: i === 0 ? 0.7 : 0.05 })),
      },
      landmarks: Array.from({ length: landmarks }, () => ({ x: 1, y: 2, z: 0 })),
      action_units: Array.from({ length: actionUnits }, () => ({ au: 'AU12', intensity: 0.5 })),
    });
    expect((await insert(insertBody(jpeg, { wia_face: face(478, 17) as never }))).statusCode).toBe(201);
    for (const [landmarks, actionUnits] of [[479, 0], [550_000, 0], [468, 18]] as const) {
      const response = await insert(insertBody(jpeg, { wia_face: face(landmarks, actionUnits) as never }));
      expect(response.statusCode, `${landmarks} points, ${actionUnits} units`).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    }
    expect(await server.rows()).toBe(1);
  });

  describe('idempotency', () => {
    it('answers a retry with the same key and body with the first response, storing nothing', async () => {
      const body = insertBody(jpeg, { meta: { a: 1, b: 'two' } });
      const first = await insert(body, { 'idempotency-key': 'retry-1' });
      expect(first.statusCode).toBe(201);
      // Same body, keys in another order: the canonical hash is the same.
      const reordered = Object.fromEntries(Object.entries({ ...body, meta: { b: 'two', a: 1 } }).reverse());
      const second = await insert(reordered, { 'idempotency-key': 'retry-1' });
      expect(second.statusCode).toBe(201);
      expect(second.body).toBe(first.body);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(await server.rows()).toBe(1);
      expect(await server.keys()).toHaveLength(1);
      // Without a key, the same body is a new annotation.
      expect((await insert(body)).statusCode).toBe(201);
      expect(await server.rows()).toBe(2);
    });

    it('refuses the same key with another body (409), storing nothing', async () => {
      expect((await insert(insertBody(jpeg), { 'idempotency-key': 'k-409' })).statusCode).toBe(201);
      const conflict = await insert(insertBody(jpeg, { user_boredom: 3 }), { 'idempotency-key': 'k-409' });
      expect(conflict.statusCode).toBe(409);
      expect(conflict.json()).toEqual({
        error: { code: 'INVALID_REQUEST', message: expect.any(String), details: expect.objectContaining({ kind: 'idempotency_conflict', field: 'Idempotency-Key' }) },
        request_id: conflict.headers['x-request-id'],
      });
      expect(await server.rows()).toBe(1);
      expect(await server.keys()).toHaveLength(1);
    });

    it('stores once for 20 concurrent requests with the same key', async () => {
      const body = insertBody(jpeg);
      const before = await counters();
      const responses = await Promise.all(Array.from({ length: 20 }, () => insert(body, { 'idempotency-key': 'concurrent' })));
      expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(201));
      expect(new Set(responses.map((r) => r.json().id)).size).toBe(1);
      expect(responses.filter((r) => r.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
      expect(await server.rows()).toBe(1);
      // The losers deleted the images they had written.
      expect(await server.keys()).toHaveLength(1);
      const after = await counters();
      expect(after.inserts - before.inserts).toBe(1);
      expect(after.replays - before.replays).toBe(19);
      expect(after.pending).toBe(0);
    });

    it('refuses a key that is not a plain token (no paths)', async () => {
      for (const key of ['../../etc/passwd', 'a b', 'x'.repeat(129), 'key/with/slashes']) {
        const response = await insert(insertBody(jpeg), { 'idempotency-key': key });
        expect(response.statusCode, key).toBe(400);
        expect(response.json().error).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'idempotency-key' } });
      }
      expect(await server.rows()).toBe(0);
      expect(await server.files()).toEqual([]);
    });
  });

  describe('atomicity', () => {
    it('answers 500 and stores no row when the blob store fails', async () => {
      const failing: BlobStore = { ...server.blobs, kind: 'files', list: (p) => server.blobs.list(p), put: async () => Promise.reject(new Error('disk on fire at /var/secret/path')) };
      const broken = await startTestServer({ database: server.database, blobs: failing });
      const response = await broken.app.inject({ method: 'POST', url: '/insert', payload: insertBody(jpeg) });
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({
        error: { code: 'INTERNAL_ERROR', message: 'Internal server error', details: expect.objectContaining({ kind: 'unexpected' }) },
        request_id: response.headers['x-request-id'],
      });
      expect(response.body).not.toMatch(/disk on fire|\/var\/secret|at .*\.js/);
      expect(await server.rows()).toBe(0);
      expect((await broken.app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/^emolens_blobs_pending 0$/m);
      await broken.close();
    });

    it('deletes the image when the database insert fails: no orphaned file', async () => {
      const failing: Database = {
        ...server.database,
        kind: 'pglite',
        ping: () => server.database.ping(),
        transaction: (work) => server.database.transaction(work),
        query: async (sql, params) => {
          if (sql.includes('INSERT INTO annotations')) throw new Error('connection reset by peer');
          return server.database.query(sql, params);
        },
      };
      const broken = await startTestServer({ database: failing, blobs: server.blobs });
      const response = await broken.app.inject({ method: 'POST', url: '/insert', payload: insertBody(jpeg), headers: { 'idempotency-key': 'db-fails' } });
      expect(response.statusCode).toBe(500);
      expect(response.json().error.code).toBe('INTERNAL_ERROR');
      expect(await server.rows()).toBe(0);
      expect(await server.files()).toEqual([]);
      const metrics = (await broken.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toMatch(/^emolens_database_errors_total 1$/m);
      expect(metrics).toMatch(/^emolens_blobs_pending 0$/m);
      await broken.close();
      // The failed request recorded no idempotency key: a retry goes through.
      expect((await insert(insertBody(jpeg), { 'idempotency-key': 'db-fails' })).statusCode).toBe(201);
    });

    it('finishes the inserts in flight before close() resolves', async () => {
      const { store: slow, wrote, release } = gatedPuts(server.blobs, 'before');
      const app = await startTestServer({ database: server.database, blobs: slow });
      const pending = app.app.inject({ method: 'POST', url: '/insert', payload: insertBody(jpeg) });
      await wrote;
      let closed = false;
      const closing = app.close().then(() => (closed = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(closed).toBe(false);
      release();
      await closing;
      expect((await pending).statusCode).toBe(201);
      expect(await server.rows()).toBe(1);
      expect(await server.keys()).toHaveLength(1);
    });

    it('counts an image as pending between its write and its row', async () => {
      const { store: slow, wrote, release } = gatedPuts(server.blobs, 'after');
      const app = await startTestServer({ database: server.database, blobs: slow });
      const pending = app.app.inject({ method: 'POST', url: '/insert', payload: insertBody(jpeg) });
      await wrote;
      expect((await app.app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/^emolens_blobs_pending 1$/m);
      release();
      expect((await pending).statusCode).toBe(201);
      expect((await app.app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/^emolens_blobs_pending 0$/m);
      await app.close();
    });
  });
});
