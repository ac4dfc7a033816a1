/** What the peers share: both bundle tfjs. */

/** tfjs wasm backend's thread count, where it tells (tfjs 4.22's bundles do not: null). */
export function wasmThreads(tf: unknown): number | null {
  const backend = (tf as { backend(): { wasm?: { _getThreadsCount?(): number } } }).backend();
  return backend.wasm?._getThreadsCount?.() ?? null;
}
