import { describe, expect, it } from 'vitest';
import { sendNothing, type RequestScope } from './send-nothing.js';

/** A worker scope whose fetch and XMLHttpRequest record what they were asked to send. */
function scope(): RequestScope & { sent: string[]; Xhr: new () => { open(method: string, url: string): void } } {
  const sent: string[] = [];
  class Xhr {
    open(method: string, url: string): void {
      sent.push(`xhr ${method} ${url}`);
    }
  }
  const s = {
    sent,
    Xhr,
    XMLHttpRequest: Xhr as unknown as { prototype: Pick<XMLHttpRequest, 'open'> },
    fetch: ((input: RequestInfo | URL, init?: RequestInit) => {
      sent.push(`${init?.method ?? (input instanceof Request ? input.method : 'GET')} ${String(input instanceof Request ? input.url : input)}`);
      return Promise.resolve(new Response('ok'));
    }) as typeof fetch,
  };
  sendNothing(s);
  return s;
}

describe('sendNothing', () => {
  it('lets the reads through: GET and HEAD, as strings, URLs or Requests, and through XMLHttpRequest', async () => {
    const s = scope();
    await s.fetch('https://cdn.example/model.onnx');
    await s.fetch(new URL('https://cdn.example/a.wasm'), { method: 'head' });
    await s.fetch(new Request('https://cdn.example/b.task'));
    new s.Xhr().open('GET', 'https://cdn.example/c.data');
    expect(s.sent).toEqual(['GET https://cdn.example/model.onnx', 'head https://cdn.example/a.wasm', 'GET https://cdn.example/b.task', 'xhr GET https://cdn.example/c.data']);
  });

  it('refuses anything that could carry data out, whatever the case of the method or where it is given', async () => {
    const s = scope();
    const attempts = [
      s.fetch('https://odml.pa.googleapis.com/v1/log', { method: 'POST', body: new Uint8Array([1, 2, 3]) }),
      s.fetch('https://example.com/x', { method: 'put', body: 'x' }),
      s.fetch(new Request('https://example.com/y', { method: 'POST', body: 'y' })),
      s.fetch('https://example.com/z', { method: 'DELETE' }),
      s.fetch('https://example.com/w', { method: 'PATCH', body: 'w' }),
    ];
    for (const attempt of attempts) await expect(attempt).rejects.toBeInstanceOf(TypeError);
    for (const method of ['POST', 'post', 'PUT']) expect(() => new s.Xhr().open(method, 'https://example.com/v')).toThrow(TypeError);
    expect(s.sent).toEqual([]);
  });

  it('works where a worker has no XMLHttpRequest', async () => {
    const s: RequestScope = { fetch: (() => Promise.resolve(new Response('ok'))) as typeof fetch };
    sendNothing(s);
    await expect(s.fetch('https://example.com/', { method: 'POST' })).rejects.toBeInstanceOf(TypeError);
  });
});
