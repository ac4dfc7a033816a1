import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { drainQueue, type DrainContext } from './drain.js';
import { resolveOptions, type UploaderOptions } from './options.js';
import { QueueStore, type DeadLetter, type FailureInfo } from './queue-store.js';

const RUN = Math.random().toString(36).slice(2);
let counter = 0;

interface Recorded {
  key: string | null;
  apiKey: string | null;
  contentType: string | null;
  body: string;
}

type Reply = Response | Error | ((signal: AbortSignal) => Promise<Response>);

/** A scripted server: answers each request with the next reply (then 201s), recording the requests. */
function scripted(replies: Reply[]) {
  const requests: Recorded[] = [];
  const fetch = (async (_url: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    requests.push({ key: headers.get('Idempotency-Key'), apiKey: headers.get('X-API-Key'), contentType: headers.get('Content-Type'), body: String(init?.body) });
    const reply = replies.shift() ?? json(201, { status: 'success', id: requests.length, created_at: 'now' });
    if (reply instanceof Error) throw reply;
    if (typeof reply === 'function') return reply(init!.signal!);
    return reply;
  }) as typeof globalThis.fetch;
  return { fetch, requests };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

async function setup(replies: Reply[], options: Partial<UploaderOptions> = {}, items = ['a', 'b', 'c']) {
  const store = new QueueStore(`drain-${RUN}-${++counter}`);
  for (const id of items) await store.add({ id, body: JSON.stringify({ id }), createdAt: 0 }, 1e9);
  const server = scripted(replies);
  const clock = { now: 1_000_000 };
  const log: string[] = [];
  const dead: DeadLetter[] = [];
  const failures: FailureInfo[] = [];
  const controller = new AbortController();
  let pause: ReturnType<DrainContext['paused']>;
  let networkBackAt = 0;
  const ctx: DrainContext = {
    store,
    options: resolveOptions({ endpoint: 'https://api.example.com/insert', consent: true, fetch: server.fetch, ...options }),
    signal: controller.signal,
    paused: () => pause,
    networkBackAt: () => networkBackAt,
    now: () => clock.now,
    random: () => 0.5,
    hooks: {
      sending: (item, attempt) => log.push(`sending ${item.id} #${attempt}`),
      sent: (info) => log.push(`sent ${info.item.id} ${info.status}`),
      failed: (item, failure) => {
        failures.push(failure);
        log.push(`failed ${item.id} ${failure.kind}${failure.status ? ` ${failure.status}` : ''}`);
      },
      dead: (letter) => {
        dead.push(letter);
        log.push(`dead ${letter.id} ${letter.reason}`);
      },
      reachable: (r) => log.push(r ? 'reachable' : 'unreachable'),
      changed: () => undefined,
    },
  };
  return {
    store,
    ctx,
    clock,
    log,
    dead,
    failures,
    requests: server.requests,
    controller,
    setPause: (p: typeof pause) => (pause = p),
    setNetworkBack: (t: number) => (networkBackAt = t),
  };
}

/** Runs `passes` drain passes, each failing and waiting, moving the clock to each next try; resolves to the waits. */
async function waitsOf(t: Awaited<ReturnType<typeof setup>>, passes: number): Promise<number[]> {
  const waits: number[] = [];
  for (let i = 0; i < passes; i++) {
    const r = await drainQueue(t.ctx);
    if (r.status !== 'waiting') throw new Error(r.status);
    waits.push(r.nextAttemptAt - t.clock.now);
    t.clock.now = r.nextAttemptAt;
  }
  return waits;
}

describe('drainQueue', () => {
  it('sends every item in order with its id as Idempotency-Key, the API key and the stored body', async () => {
    const t = await setup([], { apiKey: 'secret' });
    expect(await drainQueue(t.ctx)).toEqual({ status: 'empty' });
    expect(t.requests).toEqual(
      ['a', 'b', 'c'].map((id) => ({ key: id, apiKey: 'secret', contentType: 'application/json', body: JSON.stringify({ id }) })),
    );
    expect(t.log.filter((l) => l.startsWith('sent'))).toEqual(['sent a 201', 'sent b 201', 'sent c 201']);
    expect(await t.store.stats()).toEqual({ queued: { items: 0, bytes: 0 }, dead: { items: 0, bytes: 0 } });
  });

  it('sends no X-API-Key without an apiKey', async () => {
    const t = await setup([], {}, ['a']);
    await drainQueue(t.ctx);
    expect(t.requests[0]?.apiKey).toBeNull();
  });

  it('retries a 500 after the jittered backoff, blocking the items behind it', async () => {
    const t = await setup([json(500, { error: { code: 'INTERNAL_ERROR', message: 'boom', details: {} }, request_id: 'r' })]);
    // random 0.5 × ceiling 1000 ms for the first failure.
    expect(await drainQueue(t.ctx)).toEqual({ status: 'waiting', nextAttemptAt: t.clock.now + 500 });
    expect(t.requests.map((r) => r.key)).toEqual(['a']);
    expect(t.failures).toEqual([{ kind: 'status', status: 500, message: 'HTTP 500: INTERNAL_ERROR: boom' }]);
    expect((await t.store.head())).toMatchObject({ id: 'a', attempts: 1, nextAttemptAt: t.clock.now + 500, lastAttemptAt: t.clock.now });
    // Not due yet: nothing is sent, the others wait behind it.
    t.clock.now += 499;
    expect(await drainQueue(t.ctx)).toEqual({ status: 'waiting', nextAttemptAt: t.clock.now + 1 });
    expect(t.requests).toHaveLength(1);
    t.clock.now += 1;
    expect(await drainQueue(t.ctx)).toEqual({ status: 'empty' });
    expect(t.requests.map((r) => r.key)).toEqual(['a', 'a', 'b', 'c']);
    expect(t.log).toContain('sending a #2');
  });

  it('grows the wait with the attempts', async () => {
    const t = await setup([json(503, {}), json(503, {}), json(503, {})], {}, ['a']);
    const waits = await waitsOf(t, 3);
    expect(waits).toEqual([500, 1000, 2000]);
  });

  it('honours Retry-After on 429 (seconds) and 503 (a date), capped at maxRetryAfterMs', async () => {
    const t = await setup([json(429, {}, { 'Retry-After': '3' }), json(503, {}, { 'Retry-After': new Date(1_000_000 + 3000 + 7000).toUTCString() }), json(429, {}, { 'Retry-After': '86400' })], { maxRetryAfterMs: 60_000 }, ['a']);
    let r = await drainQueue(t.ctx);
    expect(r).toEqual({ status: 'waiting', nextAttemptAt: t.clock.now + 3000 });
    t.clock.now += 3000;
    r = await drainQueue(t.ctx);
    // The date has one-second precision.
    expect(r.status === 'waiting' && r.nextAttemptAt - t.clock.now).toBe(7000);
    t.clock.now += 7000;
    r = await drainQueue(t.ctx);
    expect(r).toEqual({ status: 'waiting', nextAttemptAt: t.clock.now + 60_000 });
  });

  it('waits at least the backoff when Retry-After asks for none, or names a time already past', async () => {
    const past = new Date(1_000_000 - 3_600_000).toUTCString();
    const t = await setup([json(429, {}, { 'Retry-After': '0' }), json(503, {}, { 'Retry-After': past }), json(429, {}, { 'Retry-After': '0' })], {}, ['a']);
    const waits = await waitsOf(t, 3);
    // The backoff of attempts 1-3 (random 0.5): three requests in 3.5 s, not a stream of them.
    expect(waits).toEqual([500, 1000, 2000]);
    expect(t.requests).toHaveLength(3);
  });

  it('retries, not forgets, an item whose POST was redirected to a page that answered 200 (a login page)', async () => {
    const landing = Object.defineProperties(new Response('<html>log in</html>', { status: 200, headers: { 'Content-Type': 'text/html' } }), {
      redirected: { value: true },
      url: { value: 'https://api.example.com/login' },
    });
    const moved = Object.defineProperties(json(201, { status: 'success', id: 'x', created_at: 'now' }), {
      redirected: { value: true },
      url: { value: 'https://eu.api.example.com/insert' },
    });
    const t = await setup([landing, moved], {}, ['a']);
    const r = await drainQueue(t.ctx);
    expect(r.status).toBe('waiting');
    expect(t.failures).toEqual([{ kind: 'status', status: 200, message: "redirected to /login, which answered HTTP 200: not the server's answer" }]);
    expect((await t.store.stats()).queued.items).toBe(1);
    // A 307/308 keeps the POST and the path: that answer is the server's.
    if (r.status === 'waiting') t.clock.now = r.nextAttemptAt;
    expect(await drainQueue(t.ctx)).toEqual({ status: 'empty' });
    expect(t.log).toContain('sent a 201');
  });

  it('keeps an item whose 2xx is not JSON (a captive portal, an app fallback), and dead-letters a 2xx that says error', async () => {
    const portal = new Response('<html>welcome to the airport wifi</html>', { status: 200, headers: { 'Content-Type': 'text/html' } });
    const t = await setup([portal, json(200, { status: 'error', message: 'db down' }), new Response(null, { status: 204 }), json(201, {})], {}, ['a', 'b', 'c']);
    const r = await drainQueue(t.ctx);
    expect(r.status).toBe('waiting');
    expect(t.failures).toEqual([{ kind: 'status', status: 200, message: "HTTP 200 with a body that is not JSON: not the server's answer" }]);
    if (r.status === 'waiting') t.clock.now = r.nextAttemptAt;
    expect(await drainQueue(t.ctx)).toEqual({ status: 'empty' });
    // a: refused in a 200, kept as a dead letter with the body; b: 204; c: any other JSON.
    expect(t.dead.map((d) => [d.id, d.reason, d.status, d.error])).toEqual([['a', 'rejected', 200, { status: 'error', message: 'db down' }]]);
    expect(t.log.filter((l) => l.startsWith('sent'))).toHaveLength(2);
  });

  it('sends at once an item scheduled by a clock that was ahead, once the clock is put right', async () => {
    const t = await setup([json(503, {}), json(201, {})], {}, ['a']);
    const right = t.clock.now;
    t.clock.now = right + 30 * 86_400_000; // a device clock 30 days ahead
    expect((await drainQueue(t.ctx)).status).toBe('waiting');
    t.clock.now = right; // corrected: the try it recorded is in the future, its wait longer than any the uploader sets
    expect(await drainQueue(t.ctx)).toEqual({ status: 'empty' });
    expect(t.requests).toHaveLength(2);
  });

  it('moves a 400 to the dead letters with the server error body, and goes on with the next item', async () => {
    const error = { error: { code: 'INVALID_REQUEST', message: 'bad', details: { field: 'user_boredom' } }, request_id: 'req_9' };
    const t = await setup([json(400, error)]);
    expect(await drainQueue(t.ctx)).toEqual({ status: 'empty' });
    expect(t.requests.map((r) => r.key)).toEqual(['a', 'b', 'c']);
    expect(t.dead).toEqual([
      { id: 'a', seq: 1, createdAt: 0, bytes: JSON.stringify({ id: 'a' }).length, attempts: 1, deadAt: t.clock.now, reason: 'rejected', status: 400, error, message: 'HTTP 400: INVALID_REQUEST: bad' },
    ]);
    expect(await t.store.deadLetters()).toEqual(t.dead);
  });

  it('dead-letters a 409 as a conflict, and keeps a non-JSON error body as text', async () => {
    const t = await setup([json(409, { error: { code: 'CONFLICT', message: 'other body', details: {} } }), new Response('<html>nope</html>', { status: 413 })], {}, ['a', 'b']);
    await drainQueue(t.ctx);
    expect(t.dead.map((d) => [d.id, d.reason, d.status])).toEqual([
      ['a', 'conflict', 409],
      ['b', 'rejected', 413],
    ]);
    expect(t.dead[1]?.error).toBe('<html>nope</html>');
  });

  it('treats a network error as retryable and reports the server unreachable', async () => {
    const t = await setup([new TypeError('Failed to fetch')], {}, ['a']);
    const r = await drainQueue(t.ctx);
    expect(r).toEqual({ status: 'waiting', nextAttemptAt: t.clock.now + 500 });
    expect(t.failures).toEqual([{ kind: 'network', message: 'network error: Failed to fetch' }]);
    expect(t.log).toContain('unreachable');
  });

  it('ends the backoff of a network failure when the network comes back', async () => {
    const t = await setup([new TypeError('Failed to fetch')], { retryBaseMs: 60_000, retryMaxMs: 60_000 }, ['a']);
    await drainQueue(t.ctx);
    t.clock.now += 10;
    expect((await drainQueue(t.ctx)).status).toBe('waiting');
    t.setNetworkBack(t.clock.now);
    t.clock.now += 10;
    expect(await drainQueue(t.ctx)).toEqual({ status: 'empty' });
  });

  it('does not end the wait of a server failure when the network comes back', async () => {
    const t = await setup([json(503, {}, { 'Retry-After': '30' })], {}, ['a']);
    await drainQueue(t.ctx);
    t.setNetworkBack(t.clock.now + 1);
    t.clock.now += 10;
    expect((await drainQueue(t.ctx)).status).toBe('waiting');
  });

  it('counts a timeout as a network failure', async () => {
    const hang = (signal: AbortSignal) => new Promise<Response>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    const t = await setup([hang], { requestTimeoutMs: 20 }, ['a']);
    expect((await drainQueue(t.ctx)).status).toBe('waiting');
    expect(t.failures).toEqual([{ kind: 'network', message: 'no response within 20 ms' }]);
  });

  it('gives up after maxAttempts transient failures', async () => {
    const t = await setup([json(500, {}), json(500, {}), new TypeError('Failed to fetch')], { maxAttempts: 3 }, ['a', 'b']);
    for (let i = 0; i < 3; i++) {
      const r = await drainQueue(t.ctx);
      if (r.status === 'waiting') t.clock.now = r.nextAttemptAt;
    }
    expect(t.dead.map((d) => [d.id, d.reason, d.attempts, d.status])).toEqual([['a', 'max_attempts', 3, undefined]]);
    expect(t.dead[0]?.message).toBe('gave up after 3 tries; last: network error: Failed to fetch');
    expect(t.log.at(-1)).toBe('sent b 201');
  });

  it('sends nothing while paused', async () => {
    const t = await setup([]);
    t.setPause('offline');
    expect(await drainQueue(t.ctx)).toEqual({ status: 'offline' });
    t.setPause('no_consent');
    expect(await drainQueue(t.ctx)).toEqual({ status: 'no_consent' });
    expect(t.requests).toHaveLength(0);
  });

  it('stops on close, leaving the item in flight queued and unchanged', async () => {
    const hang = (signal: AbortSignal) => new Promise<Response>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    const t = await setup([hang], {}, ['a']);
    const pass = drainQueue(t.ctx);
    await new Promise((r) => setTimeout(r, 10));
    t.controller.abort();
    expect(await pass).toEqual({ status: 'closed' });
    expect(await t.store.head()).toMatchObject({ id: 'a', attempts: 0, nextAttemptAt: 0 });
  });

  it('skips an item deleted by another tab while it was in flight', async () => {
    const t = await setup([], {}, ['a', 'b']);
    const original = t.ctx.options.fetch;
    t.ctx.options = {
      ...t.ctx.options,
      fetch: async (input, init) => {
        await t.store.clear();
        return original(input, init);
      },
    };
    expect(await drainQueue(t.ctx)).toEqual({ status: 'empty' });
    expect(t.log.filter((l) => l.startsWith('sent'))).toEqual([]);
  });
});
