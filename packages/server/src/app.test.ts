/**
 * The server as a client sees it: hostile input, API keys, rate limits, errors in WIA format with request ids,
 * CORS, /health, /metrics and /docs.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutScan, insertBody, makeJpeg, pngHeader, startTestServer, type TestServer } from './server.fixture.js';
import type { BlobStore } from './storage/blob-store.js';
import type { Database } from './storage/database.js';

/** The shared WIA error schema of `@emolens/schema`: the server's error bodies must be what the SDK's clients parse. */
const wiaError = new Ajv2020({ strict: true }).compile(
  JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@emolens/schema/schemas/wia-error.schema.json'), 'utf8')) as object,
);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Checks what every error response must be: WIA body, request id in body and header, nothing internal. */
function expectWiaError(response: LightMyRequestResponse, status: number, code: string, details: Record<string, unknown> = {}): void {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = response.json();
  expect(body).toEqual({ error: { code, message: expect.any(String), details: expect.objectContaining(details) }, request_id: expect.any(String) });
  expect(body.request_id).toBe(response.headers['x-request-id']);
  expect(wiaError(body), JSON.stringify(wiaError.errors)).toBe(true);
  expectNothingInternal(response);
}

function expectNothingInternal(response: LightMyRequestResponse): void {
  expect(response.body).not.toMatch(/\/work\/|node_modules|\n\s+at |\bat .*\.[cm]?[jt]s:\d+|stack/);
}

describe('the server', () => {
  let server: TestServer;
  let jpeg: Buffer;
  beforeAll(async () => {
    server = await startTestServer();
    jpeg = await makeJpeg();
  });
  afterAll(async () => {
    await server.close();
  });

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    server.app.inject({ method: 'POST', url: '/insert', payload: payload as string, headers: { 'content-type': 'application/json', ...headers } });

  describe('refuses hostile input, storing nothing', () => {
    const cases: [name: string, body: () => unknown, status: number, code: string, details: Record<string, unknown>][] = [
      ['base64 with characters outside the alphabet', () => insertBody(jpeg, { image_base64: '!!!!not base64' }), 400, 'INVALID_IMAGE', { kind: 'invalid_base64', field: 'image_base64' }],
      ['base64 of impossible length', () => insertBody(jpeg, { image_base64: 'aGVsb' }), 400, 'INVALID_IMAGE', { kind: 'invalid_base64' }],
      ['a data: URL instead of base64', () => insertBody(jpeg, { image_base64: `data:image/jpeg;base64,${jpeg.toString('base64')}` }), 400, 'INVALID_IMAGE', { kind: 'invalid_base64' }],
      ['text bytes, not an image', () => insertBody(Buffer.from('SELECT * FROM annotations; -- not an image at all')), 400, 'INVALID_IMAGE', { kind: 'unsupported_type' }],
      ['a truncated JPEG', () => insertBody(jpeg.subarray(0, Math.floor(jpeg.length * 0.6))), 400, 'INVALID_IMAGE', { kind: 'undecodable' }],
      ['a 20000×20000 PNG header', () => insertBody(pngHeader(20_000, 20_000)), 413, 'IMAGE_TOO_LARGE', { kind: 'too_large' }],
      ['an unknown field', () => ({ ...insertBody(jpeg), is_admin: true }), 400, 'INVALID_REQUEST', { field: 'is_admin' }],
      ['a missing score', () => ({ ...insertBody(jpeg), user_frustration: undefined }), 400, 'INVALID_REQUEST', { field: 'user_frustration' }],
      ['a score as a string', () => insertBody(jpeg, { predicted_boredom: '1' as never }), 400, 'INVALID_REQUEST', { field: 'predicted_boredom' }],
      ['the image as a number', () => insertBody(jpeg, { image_base64: 42 as never }), 400, 'INVALID_REQUEST', { field: 'image_base64' }],
      ['a negative score', () => insertBody(jpeg, { user_boredom: -0.1 }), 400, 'INVALID_REQUEST', { field: 'user_boredom' }],
      ['a score above 3', () => insertBody(jpeg, { predicted_engagement: 3.01 }), 400, 'INVALID_REQUEST', { field: 'predicted_engagement' }],
      ['a huge number', () => JSON.stringify(insertBody(jpeg)).replace('"predicted_boredom":1.2', '"predicted_boredom":1e400'), 400, 'INVALID_REQUEST', { field: 'predicted_boredom' }],
      ['a probability above 1', () => insertBody(jpeg, { predicted_probabilities: { happiness: 1.5, sadness: 0, anger: 0, fear: 0, disgust: 0, surprise: 0, neutral: 0 } }), 400, 'INVALID_REQUEST', { field: 'predicted_probabilities.happiness' }],
      ['an emotion outside the WIA labels (SQL)', () => insertBody(jpeg, { user_emotion: "happiness'); DROP TABLE annotations; --" as never }), 400, 'INVALID_REQUEST', { field: 'user_emotion' }],
      ['a meta key with SQL', () => insertBody(jpeg, { meta: { "x'); DROP TABLE annotations; --": 'v' } }), 400, 'INVALID_REQUEST', { field: expect.stringContaining('meta.') }],
      ['a meta key with a path', () => insertBody(jpeg, { meta: { '../../etc/passwd': 'v' } }), 400, 'INVALID_REQUEST', { field: 'meta.../../etc/passwd' }],
      ['a nested meta value', () => insertBody(jpeg, { meta: { deep: { a: 1 } as never } }), 400, 'INVALID_REQUEST', { field: 'meta.deep' }],
      ['too many meta entries', () => insertBody(jpeg, { meta: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])) }), 400, 'INVALID_REQUEST', { field: 'meta' }],
      ['NaN (not JSON)', () => JSON.stringify(insertBody(jpeg)).replace('"predicted_boredom":1.2', '"predicted_boredom":NaN'), 400, 'INVALID_REQUEST', { kind: 'invalid_json' }],
      ['Infinity (not JSON)', () => JSON.stringify(insertBody(jpeg)).replace('"user_boredom":1.5', '"user_boredom":Infinity'), 400, 'INVALID_REQUEST', { kind: 'invalid_json' }],
      ['truncated JSON', () => JSON.stringify(insertBody(jpeg)).slice(0, 500), 400, 'INVALID_REQUEST', { kind: 'invalid_json' }],
      ['an empty body', () => '', 400, 'INVALID_REQUEST', {}],
      ['a JSON array', () => '[1,2,3]', 400, 'INVALID_REQUEST', {}],
      ['JSON null', () => 'null', 400, 'INVALID_REQUEST', {}],
      ['prototype poisoning', () => `{"__proto__":{"polluted":true},"image_base64":"AAAA"}`, 400, 'INVALID_REQUEST', {}],
    ];

    for (const [name, body, status, code, details] of cases) {
      it(name, async () => {
        const [rows, files] = [await server.rows(), (await server.files()).length];
        const payload = body();
        const response = await post(typeof payload === 'string' ? payload : JSON.stringify(payload));
        expectWiaError(response, status, code, details);
        expect(await server.rows()).toBe(rows);
        expect((await server.files()).length).toBe(files);
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      });
    }

    it('a body over the size limit (413), by Content-Length and by its bytes', async () => {
      const small = await startTestServer({ database: server.database, blobs: server.blobs, bodyLimitBytes: 64 * 1024 });
      const big = insertBody(await makeJpeg(600, 600));
      expect(JSON.stringify(big).length).toBeGreaterThan(64 * 1024);
      const rows = await server.rows();
      expectWiaError(await small.app.inject({ method: 'POST', url: '/insert', payload: big }), 413, 'IMAGE_TOO_LARGE', { kind: 'too_large', limit_bytes: 64 * 1024 });
      // The default limit: 12 MiB.
      const huge = `{"image_base64":"${'A'.repeat(13 * 1024 * 1024)}"}`;
      expectWiaError(await post(huge), 413, 'IMAGE_TOO_LARGE', { kind: 'too_large' });
      expect(await server.rows()).toBe(rows);
      await small.close();
    });

    it('IMAGE_CHECK=decode also refuses a JPEG whose scan was cut short; the default walk stores it', async () => {
      const whole = await makeJpeg(160, 120, 7);
      const spliced = cutScan(whole);
      const strict = await startTestServer({ database: server.database, blobs: server.blobs, imageCheck: 'decode' });
      const rows = await server.rows();
      const files = (await server.files()).length;
      expectWiaError(await strict.app.inject({ method: 'POST', url: '/insert', payload: insertBody(spliced) }), 400, 'INVALID_IMAGE', { kind: 'undecodable' });
      expect([await server.rows(), (await server.files()).length]).toEqual([rows, files]);
      expect((await strict.app.inject({ method: 'POST', url: '/insert', payload: insertBody(whole) })).statusCode).toBe(201);
      expect((await post(JSON.stringify(insertBody(spliced)))).statusCode).toBe(201);
      await strict.close();
    });

    it('a body that is not JSON (415)', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        expectWiaError(await post('image_base64=AAAA', { 'content-type': type }), 415, 'INVALID_REQUEST', { kind: 'unsupported_media_type' });
      }
    });

    it('a compressed body, or one in another charset than UTF-8 (415): the parser would misread it', async () => {
      const body = JSON.stringify(insertBody(jpeg));
      expectWiaError(await post(body, { 'content-encoding': 'gzip' }), 415, 'INVALID_REQUEST', { kind: 'unsupported_media_type', field: 'Content-Encoding' });
      expectWiaError(await post(body, { 'content-type': 'application/json; charset=utf-16' }), 415, 'INVALID_REQUEST', { kind: 'unsupported_media_type', field: 'Content-Type' });
      expect((await post(body, { 'content-type': 'application/json; charset=UTF-8', 'content-encoding': 'identity' })).statusCode).toBe(201);
    });

    it('JSON that is not valid UTF-8 (400 invalid_json), stored neither as it is nor with U+FFFD', async () => {
      const rows = await server.rows();
      const json = JSON.stringify(insertBody(jpeg)).replace(/}$/, ',"meta":{"note":"caf\u00e9 \ud83d\ude00 X"}}');
      const bytes = Buffer.from(json, 'utf8');
      const at = bytes.lastIndexOf(0x58); // the X
      for (const bad of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]]) {
        const body = Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at + 1)]);
        expectWiaError(await post(body), 400, 'INVALID_REQUEST', { kind: 'invalid_json' });
      }
      expect(await server.rows()).toBe(rows);
      const stored = await post(bytes);
      expect(stored.statusCode).toBe(201);
      // A byte-order mark is allowed (RFC 8259 lets a parser ignore it); two are not.
      const bom = Buffer.from([0xef, 0xbb, 0xbf]);
      expect((await post(Buffer.concat([bom, Buffer.from(JSON.stringify(insertBody(jpeg)))]))).statusCode).toBe(201);
      expectWiaError(await post(Buffer.concat([bom, bom, Buffer.from(JSON.stringify(insertBody(jpeg)))])), 400, 'INVALID_REQUEST', { kind: 'invalid_json' });
    });

    it('names every type a meta value may have when it has none of them (1e400 parses to Infinity)', async () => {
      const response = await post(JSON.stringify(insertBody(jpeg)).replace(/}$/, ',"meta":{"a":1e400}}'));
      expectWiaError(response, 400, 'INVALID_REQUEST', { field: 'meta.a' });
      expect(response.json().error.message).toBe('meta.a must be one of: string, number, boolean, null (numbers finite)');
    });

    it('stores SQL in meta values verbatim, never running it', async () => {
      const hostile = ["'; DROP TABLE annotations; --", 'Robert"); DELETE FROM idempotency_keys; --', '$1 $$ \\x00 ; COMMIT;', "1' OR '1'='1"];
      const meta = Object.fromEntries(hostile.map((value, i) => [`m${i}`, value]));
      const response = await post(JSON.stringify(insertBody(jpeg, { meta })), { 'idempotency-key': 'sql-meta' });
      expect(response.statusCode, response.body).toBe(201);
      const row = (await server.app.inject({ method: 'GET', url: '/load?limit=1' })).json().data[0];
      expect(row.meta).toEqual(meta);
      expect(await server.rows()).toBeGreaterThan(0);
      expect((await server.database.query('SELECT count(*) AS n FROM idempotency_keys')).length).toBe(1);
    });
  });

  describe('errors and request ids', () => {
    it('answers an unknown route with a WIA 404', async () => {
      expectWiaError(await server.app.inject({ method: 'GET', url: '/nope/../../etc/passwd' }), 404, 'INVALID_REQUEST', { kind: 'not_found' });
      expectWiaError(await server.app.inject({ method: 'POST', url: '/v1/analyze/face' }), 404, 'INVALID_REQUEST', { kind: 'not_found' });
    });

    it("answers Fastify's own refusals with a kind, and a bad URL without quoting it", async () => {
      const badUrl = await server.app.inject({ method: 'GET', url: '/%' });
      expectWiaError(badUrl, 400, 'INVALID_REQUEST', { kind: 'bad_url' });
      expect(badUrl.json().error.message).not.toContain('%');
      const poisoned = await post('{"__proto__":{"admin":true}}');
      expectWiaError(poisoned, 400, 'INVALID_REQUEST', { kind: 'invalid_json' });
      expect(poisoned.json().error.details.reason).toMatch(/__proto__/);
    });

    it('answers a wrong method on a known path with a WIA 405 and Allow', async () => {
      const get = await server.app.inject({ method: 'GET', url: '/insert' });
      expectWiaError(get, 405, 'INVALID_REQUEST', { kind: 'method_not_allowed' });
      expect(get.headers['allow']).toBe('POST');
      const del = await server.app.inject({ method: 'DELETE', url: '/load' });
      expectWiaError(del, 405, 'INVALID_REQUEST');
      expect(del.headers['allow']).toBe('GET, HEAD');
    });

    it('keeps a sane incoming X-Request-ID and replaces any other', async () => {
      const kept = await server.app.inject({ method: 'GET', url: '/nope', headers: { 'x-request-id': 'trace-1.2_3' } });
      expect(kept.headers['x-request-id']).toBe('trace-1.2_3');
      expect(kept.json().request_id).toBe('trace-1.2_3');
      for (const hostile of ['../../etc/passwd', 'a b', 'x'.repeat(65), '<script>', "'; DROP TABLE x; --"]) {
        const response = await server.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': hostile } });
        expect(response.headers['x-request-id'], hostile).toMatch(UUID);
      }
    });

    it('sets X-Request-ID on every response', async () => {
      const responses = await Promise.all([
        server.app.inject({ method: 'GET', url: '/health' }),
        server.app.inject({ method: 'GET', url: '/metrics' }),
        server.app.inject({ method: 'GET', url: '/load' }),
        server.app.inject({ method: 'GET', url: '/docs/json' }),
        server.app.inject({ method: 'GET', url: '/missing' }),
        server.app.inject({ method: 'GET', url: '/load?limit=%zz' }),
        server.app.inject({ method: 'GET', url: '/%' }),
        post('{bad json'),
        post(JSON.stringify(insertBody(jpeg))),
      ]);
      const ids = responses.map((r) => r.headers['x-request-id']);
      for (const id of ids) expect(id).toMatch(UUID);
      expect(new Set(ids).size).toBe(ids.length);
    });
  });

  describe('with API keys', () => {
    const keyA = 'key-a-0123456789abcdef';
    const keyB = 'key-b-0123456789abcdef';
    let secured: TestServer;
    beforeAll(async () => {
      secured = await startTestServer({ database: server.database, blobs: server.blobs, apiKeys: [keyA, keyB] });
    });
    afterAll(async () => {
      await secured.close();
    });

    it('refuses a missing or wrong key with 401 before reading the body, storing nothing', async () => {
      const rows = await server.rows();
      for (const headers of [{}, { 'x-api-key': 'wrong-key-0123456789' }, { 'x-api-key': keyA.slice(0, -1) }, { 'x-api-key': '' }]) {
        const response = await secured.app.inject({ method: 'POST', url: '/insert', payload: insertBody(jpeg), headers });
        expectWiaError(response, 401, 'UNAUTHORIZED', { field: 'X-API-Key' });
        expectWiaError(await secured.app.inject({ method: 'GET', url: '/load', headers }), 401, 'UNAUTHORIZED');
      }
      expect(await server.rows()).toBe(rows);
    });

    it('accepts a valid key; /health, /metrics and /docs stay open', async () => {
      expect((await secured.app.inject({ method: 'POST', url: '/insert', payload: insertBody(jpeg), headers: { 'x-api-key': keyB } })).statusCode).toBe(201);
      expect((await secured.app.inject({ method: 'GET', url: '/load', headers: { 'x-api-key': keyA } })).statusCode).toBe(200);
      for (const url of ['/health', '/metrics', '/docs/json']) expect((await secured.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
      // The HEAD route Fastify adds for GET /load needs the key too.
      expect((await secured.app.inject({ method: 'HEAD', url: '/load' })).statusCode).toBe(401);
      expect((await secured.app.inject({ method: 'HEAD', url: '/load', headers: { 'x-api-key': keyA } })).statusCode).toBe(200);
    });

    it('scopes idempotency keys per API key', async () => {
      const a = await secured.app.inject({ method: 'POST', url: '/insert', payload: insertBody(jpeg), headers: { 'x-api-key': keyA, 'idempotency-key': 'shared' } });
      const b = await secured.app.inject({ method: 'POST', url: '/insert', payload: insertBody(jpeg, { user_boredom: 3 }), headers: { 'x-api-key': keyB, 'idempotency-key': 'shared' } });
      expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
      expect(a.json().id).not.toBe(b.json().id);
    });
  });

  describe('rate limits', () => {
    it('answers 429 past the limit, with Retry-After and X-RateLimit-*, per client', async () => {
      const limited = await startTestServer({ database: server.database, blobs: server.blobs, rateLimit: { max: 3, windowMs: 60_000 } });
      const load = (remoteAddress = '10.0.0.1') => limited.app.inject({ method: 'GET', url: '/load?limit=1', remoteAddress });
      const remaining: string[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await load();
        expect(response.statusCode).toBe(200);
        expect(response.headers['x-ratelimit-limit']).toBe('3');
        remaining.push(String(response.headers['x-ratelimit-remaining']));
      }
      expect(remaining).toEqual(['2', '1', '0']);
      const refused = await load();
      expectWiaError(refused, 429, 'RATE_LIMITED', { limit: 3 });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(refused.headers['x-ratelimit-remaining']).toBe('0');
      expect(refused.headers['x-ratelimit-reset']).toBeDefined();
      // Another IP has its own budget; health checks and scrapes are never limited.
      expect((await load('10.0.0.2')).statusCode).toBe(200);
      expect((await limited.app.inject({ method: 'GET', url: '/health', remoteAddress: '10.0.0.1' })).statusCode).toBe(200);
      expect((await limited.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.0.0.1' })).statusCode).toBe(200);
      await limited.close();
    });

    it('limits per API key when one is presented, and counts wrong keys per IP', async () => {
      const keys = ['limit-key-a-0123456789', 'limit-key-b-0123456789'];
      const limited = await startTestServer({ database: server.database, blobs: server.blobs, apiKeys: keys, rateLimit: { max: 2, windowMs: 60_000 } });
      const load = (key: string) => limited.app.inject({ method: 'GET', url: '/load?limit=1', headers: { 'x-api-key': key }, remoteAddress: '10.0.0.9' });
      expect([(await load(keys[0]!)).statusCode, (await load(keys[0]!)).statusCode, (await load(keys[0]!)).statusCode]).toEqual([200, 200, 429]);
      expect((await load(keys[1]!)).statusCode).toBe(200); // same IP, other key
      // Guessing keys is limited too: wrong keys count against the IP.
      const guesses = [];
      for (let i = 0; i < 3; i++) guesses.push((await load(`guess-${i}-0123456789abc`)).statusCode);
      expect(guesses).toEqual([401, 401, 429]);
      await limited.close();
    });
  });

  describe('CORS', () => {
    it('sends no CORS headers by default', async () => {
      const response = await server.app.inject({ method: 'GET', url: '/load', headers: { origin: 'http://localhost:5173' } });
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('allows the configured origins only, preflight included', async () => {
      const cors = await startTestServer({ database: server.database, blobs: server.blobs, corsOrigins: ['http://localhost:5173'], apiKeys: ['cors-key-0123456789ab'] });
      const preflight = (origin: string) =>
        cors.app.inject({
          method: 'OPTIONS',
          url: '/insert',
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,idempotency-key,x-api-key' },
        });
      const allowed = await preflight('http://localhost:5173');
      expect(allowed.statusCode).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:5173');
      expect(String(allowed.headers['access-control-allow-headers']).toLowerCase()).toContain('idempotency-key');
      const denied = await preflight('http://evil.example');
      expect(denied.headers['access-control-allow-origin']).toBeUndefined();
      // An OPTIONS that is no preflight gets the API's error body, not the CORS plugin's plain text.
      for (const headers of [{}, { origin: 'http://localhost:5173' }]) {
        const bare = await cors.app.inject({ method: 'OPTIONS', url: '/load', headers });
        expect(bare.statusCode).toBe(400);
        expect(bare.json()).toMatchObject({ error: { code: 'INVALID_REQUEST', details: { kind: 'invalid_preflight' } }, request_id: expect.any(String) });
      }
      const get = await cors.app.inject({ method: 'GET', url: '/health', headers: { origin: 'http://localhost:5173' } });
      expect(get.headers['access-control-allow-origin']).toBe('http://localhost:5173');
      expect(String(get.headers['access-control-expose-headers'])).toContain('X-Request-ID');
      await cors.close();
    });
  });

  describe('GET /health', () => {
    it('is ok when the database and the store answer', async () => {
      const response = await server.app.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        status: 'ok',
        database: { status: 'ok', kind: 'pglite' },
        blob_store: { status: 'ok', kind: 'files' },
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
        uptime_s: expect.any(Number),
      });
    });

    it('is 503 degraded when the database or the store is down', async () => {
      const down = async () => Promise.reject(new Error('ECONNREFUSED 10.1.2.3:5432 /work/secret'));
      const deadDb: Database = { ...server.database, kind: 'postgres', query: (s, p) => server.database.query(s, p), transaction: (w) => server.database.transaction(w), ping: down };
      const deadStore: BlobStore = { ...server.blobs, kind: 's3', list: (p) => server.blobs.list(p), ping: down };
      const a = await startTestServer({ database: deadDb, blobs: server.blobs });
      const b = await startTestServer({ database: server.database, blobs: deadStore });
      const dbDown = await a.app.inject({ method: 'GET', url: '/health' });
      expect(dbDown.statusCode).toBe(503);
      expect(dbDown.json()).toMatchObject({ status: 'degraded', database: { status: 'down', kind: 'postgres' }, blob_store: { status: 'ok', kind: 'files' } });
      const storeDown = await b.app.inject({ method: 'GET', url: '/health' });
      expect(storeDown.statusCode).toBe(503);
      expect(storeDown.json()).toMatchObject({ status: 'degraded', database: { status: 'ok' }, blob_store: { status: 'down', kind: 's3' } });
      for (const response of [dbDown, storeDown]) {
        expectNothingInternal(response);
        expect(response.body).not.toContain('ECONNREFUSED');
      }
      await a.close();
      await b.close();
    });
  });

  describe('GET /metrics', () => {
    it('exposes request, insert and process metrics by route pattern', async () => {
      const fresh = await startTestServer({ database: server.database, blobs: server.blobs });
      await fresh.app.inject({ method: 'POST', url: '/insert', payload: insertBody(jpeg) });
      await fresh.app.inject({ method: 'POST', url: '/insert', payload: insertBody(jpeg), headers: { 'idempotency-key': 'metrics-1' } });
      await fresh.app.inject({ method: 'POST', url: '/insert', payload: insertBody(jpeg), headers: { 'idempotency-key': 'metrics-1' } });
      await fresh.app.inject({ method: 'GET', url: '/load?limit=5&offset=1' });
      await fresh.app.inject({ method: 'GET', url: '/secret-path-123?x=1' });
      const response = await fresh.app.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      const text = response.body;
      expect(text).toMatch(/^emolens_http_requests_total\{method="POST",route="\/insert",status_code="201"\} 3$/m);
      expect(text).toMatch(/^emolens_http_requests_total\{method="GET",route="\/load",status_code="200"\} 1$/m);
      expect(text).toMatch(/^emolens_http_requests_total\{method="GET",route="unmatched",status_code="404"\} 1$/m);
      expect(text).toMatch(/^emolens_http_request_duration_seconds_count\{method="POST",route="\/insert",status_code="201"\} 3$/m);
      expect(text).toMatch(/^emolens_inserts_total 2$/m);
      expect(text).toMatch(/^emolens_idempotent_replays_total 1$/m);
      // Each insert's stages, the replay's included (it checks and writes its image before its key is found taken).
      for (const stage of ['image_check', 'blob_put', 'database']) {
        expect(text).toMatch(new RegExp(`^emolens_insert_stage_duration_seconds_count\\{stage="${stage}"\\} 3$`, 'm'));
      }
      expect(text).toMatch(/^emolens_blobs_pending 0$/m);
      expect(text).toMatch(/^emolens_database_errors_total 0$/m);
      expect(text).toMatch(/^emolens_process_resident_memory_bytes \d+/m);
      expect(text).not.toContain('secret-path');
      expect(text).not.toContain('limit=5');
      await fresh.close();
    });
  });

  describe('GET /docs', () => {
    it('serves the OpenAPI document generated from the route schemas', async () => {
      const response = await server.app.inject({ method: 'GET', url: '/docs/json' });
      expect(response.statusCode).toBe(200);
      const doc = response.json();
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/insert', '/load', '/health', '/metrics']));
      expect(doc.paths['/insert'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/WakeeInsertRequest' });
      expect(doc.paths['/insert'].post.responses['201']).toBeDefined();
      expect(doc.paths['/insert'].post.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'idempotency-key' })]));
      expect(doc.paths['/load'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['limit', 'offset']);
      expect(doc.components.schemas).toHaveProperty('WiaFaceResult');
      // Every $ref resolves inside the document.
      for (const ref of JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)) {
        expect(ref[1]).toMatch(/^#\/components\/schemas\//);
        expect(doc.components.schemas).toHaveProperty(ref[1]!.split('/').pop()!);
      }
    });

    it('serves Swagger UI from the package, nothing from a CDN', async () => {
      let response = await server.app.inject({ method: 'GET', url: '/docs' });
      if (response.statusCode >= 300 && response.statusCode < 400) response = await server.app.inject({ method: 'GET', url: String(response.headers['location']).replace(/^\.\//, '/docs/') });
      expect(response.statusCode).toBe(200);
      expect(response.body).toMatch(/swagger-ui/i);
      expect(response.body).not.toMatch(/(src|href)="https?:\/\//);
      const initializer = await server.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
      expect(initializer.statusCode).toBe(200);
    });
  });
});
