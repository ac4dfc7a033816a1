import { describe, expect, it } from 'vitest';
import type { RestReplyMessage, RestRequestMessage } from './bridge.js';
import { handleRestFetch, type RestClient, type RestFetchEvent, type RestWorkerScope } from './sw.js';

const ORIGIN = 'https://app.example';

/** What a fake page does with a request: not take it, take it and then close, or answer it. */
type Behaviour = 'ignore' | 'close-after-taking' | 'answer';

/** A service worker scope whose clients are fake pages of `behaviours`, by id; `received` records each page's asks. */
function fakeScope(behaviours: Record<string, { type?: string; does: Behaviour }>) {
  const open = new Map<string, RestClient>();
  const received: { id: string; bodyBytes: number }[] = [];
  for (const [id, { type, does }] of Object.entries(behaviours)) {
    open.set(id, {
      id,
      type: type ?? 'window',
      postMessage(message: unknown, transfer: Transferable[]) {
        const request = message as RestRequestMessage;
        received.push({ id, bodyBytes: request.body?.byteLength ?? 0 });
        const port = transfer[0] as MessagePort;
        if (does === 'ignore') return;
        port.postMessage({ type: 'accepted' } satisfies RestReplyMessage);
        if (does === 'close-after-taking') {
          setTimeout(() => open.delete(id), 50);
          return;
        }
        const body = new TextEncoder().encode(JSON.stringify({ from: id })).buffer;
        port.postMessage({ type: 'response', status: 200, headers: [['content-type', 'application/json']], body } satisfies RestReplyMessage, [body]);
      },
    });
  }
  const scope: RestWorkerScope = {
    clients: {
      get: async (id) => open.get(id),
      matchAll: async () => [...open.values()].filter((c) => c.type === 'window'),
    },
    registration: { scope: `${ORIGIN}/` },
    location: { origin: ORIGIN },
    addEventListener: () => undefined,
  };
  return { scope, received };
}

/** Sends a WIA face request from client `clientId` through {@link handleRestFetch}; resolves to its response. */
function post(scope: RestWorkerScope, clientId: string): Promise<Response> {
  const request = new Request(`${ORIGIN}/v1/analyze/face`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ image_base64: 'AAAA' }) });
  return new Promise((resolve, reject) => {
    const event: RestFetchEvent = { request, clientId, respondWith: (response) => void response.then(resolve, reject) };
    if (!handleRestFetch(scope, event, { acceptTimeoutMs: 100, answerTimeoutMs: 60_000 })) reject(new Error('not a REST request'));
  });
}

describe('handleRestFetch', () => {
  it('asks the next page when the one that took a request closes before answering, with the body intact', async () => {
    const { scope, received } = fakeScope({ asker: { does: 'ignore' }, closer: { does: 'close-after-taking' }, server: { does: 'answer' } });
    const response = await post(scope, 'asker');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ from: 'server' });
    expect(received.map((r) => r.id)).toEqual(['asker', 'closer', 'server']);
    expect(new Set(received.map((r) => r.bodyBytes))).toEqual(new Set([JSON.stringify({ image_base64: 'AAAA' }).length]));
  });

  it('does not ask a worker that made the request (only windows serve), and answers 503 when no page serves', async () => {
    const { scope, received } = fakeScope({ worker: { type: 'worker', does: 'ignore' }, server: { does: 'answer' } });
    expect(await (await post(scope, 'worker')).json()).toEqual({ from: 'server' });
    expect(received.map((r) => r.id)).toEqual(['server']);
    const none = fakeScope({ asker: { does: 'ignore' } });
    expect((await post(none.scope, 'asker')).status).toBe(503);
  });

  it('answers 413 for a streamed body past the limit without reading the rest (no Content-Length in a service worker)', async () => {
    const { scope, received } = fakeScope({ server: { does: 'answer' } });
    let pulled = 0;
    const chunk = new Uint8Array(1 << 20);
    // 24 MiB is the limit; this body would be 1 GiB.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (++pulled > 1024) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const request = new Request(`${ORIGIN}/v1/analyze/face`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    const response = await new Promise<Response>((resolve, reject) => {
      handleRestFetch(scope, { request, clientId: 'server', respondWith: (r) => void r.then(resolve, reject) });
    });
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('IMAGE_TOO_LARGE');
    expect(pulled).toBeLessThan(40);
    expect(received).toEqual([]);
  });

  it('answers HEAD on a GET route as GET without the body; Allow names HEAD', async () => {
    const { scope } = fakeScope({ server: { does: 'answer' } });
    const ask = (method: string) =>
      new Promise<Response>((resolve, reject) => {
        const request = new Request(`${ORIGIN}/health`, { method });
        if (!handleRestFetch(scope, { request, clientId: 'server', respondWith: (r) => void r.then(resolve, reject) }, { acceptTimeoutMs: 100 })) reject(new Error('not taken'));
      });
    const head = await ask('HEAD');
    expect([head.status, await head.text()]).toEqual([200, '']);
    const put = await ask('PUT');
    expect([put.status, put.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });
});
