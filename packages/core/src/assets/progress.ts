/**
 * Loading progress, as a discriminated union on `type`.
 *
 * Per asset: `download` events while bytes arrive from the network (`loaded` never goes down), then one
 * `asset` event saying where it came from. Then `compile` per model, and one `ready` at the end.
 */
export type LoadProgressEvent =
  | { type: 'download'; asset: string; url: string; loaded: number; total: number | null }
  | { type: 'asset'; asset: string; bytes: number; source: 'network' | 'cache' }
  | { type: 'compile'; model: string }
  | { type: 'ready'; backend: Backend; elapsedMs: number };

/** The inference backend a detector's classifier runs on. */
export type Backend = 'wasm' | 'webgpu';

/** Callback receiving {@link LoadProgressEvent}s. */
export type ProgressCallback = (event: LoadProgressEvent) => void;
