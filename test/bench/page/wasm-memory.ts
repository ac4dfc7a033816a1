/**
 * Counts the WebAssembly memory of the realm it is imported into: wraps `WebAssembly.Memory`,
 * `instantiate`, `instantiateStreaming` and `Instance` so every memory created or exported is remembered
 * (weakly), and `wasmBytes()` sums their current sizes. Import it before anything that loads wasm.
 *
 * `measureUserAgentSpecificMemory()` leaves wasm memory out (checked: a 100 MB `WebAssembly.Memory`
 * does not move it), hence this.
 */

const memories = new Set<WeakRef<WebAssembly.Memory>>();
const seen = new WeakSet<WebAssembly.Memory>();

function track(memory: unknown): void {
  if (!(memory instanceof OriginalMemory) || seen.has(memory)) return;
  seen.add(memory);
  memories.add(new WeakRef(memory));
}

function trackInstance(instance: WebAssembly.Instance): void {
  for (const value of Object.values(instance.exports)) track(value);
}

function trackImports(imports: WebAssembly.Imports | undefined): void {
  for (const ns of Object.values(imports ?? {})) for (const value of Object.values(ns)) track(value);
}

const OriginalMemory = WebAssembly.Memory;
const OriginalInstance = WebAssembly.Instance;
const wasm = WebAssembly as unknown as Record<string, unknown>;

wasm['Memory'] = new Proxy(OriginalMemory, {
  construct(target, args: [WebAssembly.MemoryDescriptor], newTarget) {
    const memory = Reflect.construct(target, args, newTarget) as WebAssembly.Memory;
    track(memory);
    return memory;
  },
});

wasm['Instance'] = new Proxy(OriginalInstance, {
  construct(target, args: [WebAssembly.Module, WebAssembly.Imports?], newTarget) {
    const instance = Reflect.construct(target, args, newTarget) as WebAssembly.Instance;
    trackImports(args[1]);
    trackInstance(instance);
    return instance;
  },
});

type Instantiated = WebAssembly.Instance | WebAssembly.WebAssemblyInstantiatedSource;
function trackResult(result: Instantiated, imports: WebAssembly.Imports | undefined): Instantiated {
  trackImports(imports);
  trackInstance(result instanceof OriginalInstance ? result : result.instance);
  return result;
}

const instantiate = WebAssembly.instantiate.bind(WebAssembly) as (s: unknown, i?: WebAssembly.Imports) => Promise<Instantiated>;
wasm['instantiate'] = (source: unknown, imports?: WebAssembly.Imports) => instantiate(source, imports).then((r) => trackResult(r, imports));
if (typeof WebAssembly.instantiateStreaming === 'function') {
  const streaming = WebAssembly.instantiateStreaming.bind(WebAssembly);
  wasm['instantiateStreaming'] = (source: Response | PromiseLike<Response>, imports?: WebAssembly.Imports) =>
    streaming(source, imports).then((r) => trackResult(r, imports));
}

/** Bytes of the live wasm memories of this realm (shared memories, used by wasm threads, counted once). */
export function wasmBytes(): number {
  let total = 0;
  for (const ref of memories) {
    const memory = ref.deref();
    if (memory) total += memory.buffer.byteLength;
    else memories.delete(ref);
  }
  return total;
}

/** Channel on which workers answer `wasmBytes()` to the page. */
export const WASM_CHANNEL = 'bench-wasm-memory';

export interface WasmQuery {
  id: number;
}
export interface WasmAnswer {
  id: number;
  scope: string;
  bytes: number;
}

/** In a worker: answer the page's queries. */
export function answerWasmQueries(scope: string): void {
  const channel = new BroadcastChannel(WASM_CHANNEL);
  channel.onmessage = (event: MessageEvent<WasmQuery | WasmAnswer>) => {
    if ('scope' in event.data) return;
    const answer: WasmAnswer = { id: event.data.id, scope, bytes: wasmBytes() };
    channel.postMessage(answer);
  };
}

let nextQuery = 1;
/** In the page: the wasm bytes of the workers that answer within `waitMs`, by scope. */
export async function queryWorkersWasm(waitMs = 300): Promise<Record<string, number>> {
  const channel = new BroadcastChannel(WASM_CHANNEL);
  const id = nextQuery++;
  const answers: Record<string, number> = {};
  channel.onmessage = (event: MessageEvent<WasmQuery | WasmAnswer>) => {
    if ('scope' in event.data && event.data.id === id) answers[event.data.scope] = (answers[event.data.scope] ?? 0) + event.data.bytes;
  };
  channel.postMessage({ id } satisfies WasmQuery);
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  channel.close();
  return answers;
}
