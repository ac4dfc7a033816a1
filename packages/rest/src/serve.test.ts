import { describe, expect, it } from 'vitest';
import { REST_REQUEST, type RestReplyMessage, type RestRequestMessage } from './bridge.js';
import type { RestAnalyzer } from './answer.js';
import { serveRest } from './serve.js';

/** A service worker container: an event target whose messages the test sends. */
function fakeContainer(): ServiceWorkerContainer {
  return Object.assign(new EventTarget(), { startMessages: () => undefined }) as unknown as ServiceWorkerContainer;
}

/** Sends a `GET /health` to the page through `container`; resolves to the replies on its port. */
async function health(container: ServiceWorkerContainer): Promise<RestReplyMessage['type'][]> {
  const channel = new MessageChannel();
  const replies: RestReplyMessage['type'][] = [];
  channel.port1.onmessage = (event: MessageEvent<RestReplyMessage>) => replies.push(event.data.type);
  const message: RestRequestMessage = { type: REST_REQUEST, method: 'GET', url: 'https://app.example/health', path: '/health', headers: [], body: null };
  container.dispatchEvent(new MessageEvent('message', { data: message, ports: [channel.port2] }));
  await new Promise((r) => setTimeout(r, 50));
  channel.port1.close();
  return replies;
}

const analyzer = {} as RestAnalyzer;

describe('serveRest', () => {
  it('answers each request once when called twice on a page (the second replaces the first), and stop() ends it', async () => {
    const container = fakeContainer();
    const first = serveRest(analyzer, { container });
    const second = serveRest(analyzer, { container });
    expect(await health(container)).toEqual(['accepted', 'response']);
    first.stop(); // already replaced: changes nothing
    expect(await health(container)).toEqual(['accepted', 'response']);
    second.stop();
    expect(await health(container)).toEqual([]);
  });
});
