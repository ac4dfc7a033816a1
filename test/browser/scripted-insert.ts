/**
 * A scripted `/insert` server for the uploader's browser tests, made of Playwright routes: it records every request
 * (Idempotency-Key, X-API-Key, the parsed body, when it came) and answers with what the test's script says, by default
 * like the real server: 201 `{ status: 'success', id, created_at }`, the first answer replayed for a key seen before.
 */
import type { WakeeInsertBody } from '@emolens/schema';
import type { BrowserContext, Route } from 'playwright-core';

/** One request the route saw. */
export interface InsertRequest {
  key: string | null;
  apiKey: string | null;
  contentType: string | null;
  body: WakeeInsertBody;
  /** Date.now() when it arrived. */
  at: number;
  /** The status it was answered with (undefined while held, or when the page went away first). */
  status?: number;
}

/** What the script answers a request with; `undefined`: the default (201, idempotent). */
export type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | undefined;

export interface ScriptedInsert {
  url: string;
  requests: InsertRequest[];
  /** Most requests in flight at the same time. */
  maxInFlight: number;
  /** Answered 2xx per key. */
  stored(): Map<string, number>;
  /** What an idempotent server would hold: the first 2xx answer of each key, in the order they were stored. */
  database(): Map<string, { status: number; body: unknown }>;
  close(): Promise<void>;
}

/** Routes `url` on every page of `context`; `script(request, index)` decides each answer (it may wait). */
export async function scriptInsert(
  context: BrowserContext,
  url: string,
  script: (request: InsertRequest, index: number) => Answer | Promise<Answer> = () => undefined,
): Promise<ScriptedInsert> {
  const requests: InsertRequest[] = [];
  const first = new Map<string, { status: number; body: unknown }>();
  let inFlight = 0;
  const state: ScriptedInsert = {
    url,
    requests,
    maxInFlight: 0,
    stored() {
      const counts = new Map<string, number>();
      for (const r of requests) if (r.key && r.status !== undefined && r.status >= 200 && r.status < 300) counts.set(r.key, (counts.get(r.key) ?? 0) + 1);
      return counts;
    },
    database: () => new Map([...first].filter(([, answer]) => answer.status >= 200 && answer.status < 300)),
    close: () => context.unroute(url, handler),
  };
  async function handler(route: Route): Promise<void> {
    const request = route.request();
    const headers = await request.allHeaders();
    const record: InsertRequest = {
      key: headers['idempotency-key'] ?? null,
      apiKey: headers['x-api-key'] ?? null,
      contentType: headers['content-type'] ?? null,
      body: JSON.parse(request.postData() ?? 'null') as WakeeInsertBody,
      at: Date.now(),
    };
    const index = requests.push(record) - 1;
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    try {
      let answer = await script(record, index);
      if (answer === undefined) {
        const replay = record.key ? first.get(record.key) : undefined;
        answer = replay ?? { status: 201, body: { status: 'success', id: index + 1, created_at: new Date().toISOString() } };
        if (record.key && !replay) first.set(record.key, { status: answer.status, body: answer.body });
      }
      await route.fulfill({ status: answer.status, headers: { 'content-type': 'application/json', ...answer.headers }, body: JSON.stringify(answer.body ?? {}) });
      record.status = answer.status;
    } catch {
      // The page went away (reload, close) before the answer: the browser never got one.
    } finally {
      inFlight--;
    }
  }
  await context.route(url, handler);
  return state;
}

/** A WIA error body. */
export function wiaError(code: string, message: string, details: Record<string, unknown> = {}): unknown {
  return { error: { code, message, details }, request_id: `req_${Math.random().toString(36).slice(2, 10)}` };
}
