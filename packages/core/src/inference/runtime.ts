/**
 * The onnxruntime-web build the inference worker runs on. Only one build is ever loaded: the plain WASM build,
 * or the WebGPU build when WebGPU is wanted (it also runs the WASM provider, which the self-check uses).
 */
import { EmoLensError } from '@emolens/schema';
import type { Backend } from '../assets/progress.js';
import type { ResolvedDetectorOptions } from '../options.js';

/** The onnxruntime-web module (both builds share one API). */
export type Ort = typeof import('onnxruntime-web/wasm');

/** A loaded runtime and the execution provider the classifier should use. */
export interface Runtime {
  ort: Ort;
  backend: Backend;
  /** WASM threads in use. */
  threads: number;
}

/**
 * WASM threads to use: 1 unless the page is cross-origin isolated (threads need SharedArrayBuffer);
 * `auto` takes 2 there when the device has 2 or more cores (measured: the classifier runs in half the time
 * on 2 cores, and more threads only compete with the face detector and the page).
 */
export function wasmThreads(requested: ResolvedDetectorOptions['threads']): number {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  if (!isolated) return 1;
  if (requested === 'auto') return Math.min(2, Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1));
  return Math.max(1, Math.floor(requested));
}

/** A usable WebGPU adapter, or the reason there is none. `allowFallback` admits software adapters. */
async function probeWebGpu(allowFallback: boolean): Promise<{ adapter: GPUAdapter } | { reason: string }> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { reason: 'navigator.gpu is not available' };
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return { reason: `requestAdapter failed: ${String(e)}` };
  }
  if (!adapter) return { reason: 'no WebGPU adapter' };
  const fallback = (adapter as GPUAdapter & { info?: { isFallbackAdapter?: boolean }; isFallbackAdapter?: boolean });
  if (!allowFallback && (fallback.info?.isFallbackAdapter || fallback.isFallbackAdapter)) {
    return { reason: 'the only WebGPU adapter is a software fallback (slower than WASM)' };
  }
  return { adapter };
}

/** The runtime's files, from the asset loader (cached and checked like every other asset). */
export interface RuntimeFiles {
  /** The wasm binary of the build for `backend`. */
  wasm(backend: Backend): Promise<ArrayBuffer>;
  /** The JS glue (emscripten module) of the build for `backend`. */
  glue(backend: Backend): Promise<ArrayBuffer>;
}

/**
 * Loads the runtime for a backend preference.
 *
 * The glue is loaded from a URL of its own (a blob of the cached asset), never bundled: the runtime starts each
 * thread worker from its glue module's `import.meta.url`, and inside a bundled worker that is the bundle itself —
 * with Vite's default `iife` worker format, a copy of the inference worker that never becomes a thread, so the
 * start hung for good. Started from the glue's own URL, thread workers run the glue alone, whatever the bundler.
 */
export async function loadRuntime(
  preference: ResolvedDetectorOptions['backend'],
  threads: ResolvedDetectorOptions['threads'],
  files: RuntimeFiles,
): Promise<Runtime> {
  let backend: Backend = 'wasm';
  let adapter: GPUAdapter | undefined;
  if (preference !== 'wasm') {
    const probe = await probeWebGpu(preference === 'webgpu');
    if ('adapter' in probe) {
      backend = 'webgpu';
      adapter = probe.adapter;
    } else if (preference === 'webgpu') {
      throw new EmoLensError('BACKEND_UNAVAILABLE', 'WebGPU was requested but is not available', {
        reason: probe.reason,
        suggestion: "Use backend: 'auto' or 'wasm'.",
      });
    }
  }
  // The wasm bytes load (from the cache, usually) while the runtime's JS is imported.
  const binary = files.wasm(backend);
  const glue = files.glue(backend);
  for (const pending of [binary, glue]) pending.catch(() => undefined); // a failure surfaces below, once awaited
  // The vendored builds without an embedded glue (see scripts/copy-assets.mjs): no bundler emits a wasm for them.
  const ort = (backend === 'webgpu' ? await import('../../vendor/ort.webgpu.min.mjs') : await import('../../vendor/ort.wasm.min.mjs')) as Ort;
  const usedThreads = wasmThreads(threads);
  ort.env.wasm.numThreads = usedThreads;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmBinary = await binary;
  // The blob URL lives as long as the worker: thread workers are started from it.
  ort.env.wasm.wasmPaths = { mjs: URL.createObjectURL(new Blob([await glue], { type: 'text/javascript' })) };
  ort.env.logLevel = 'error';
  if (adapter) (ort.env.webgpu as { adapter?: GPUAdapter }).adapter = adapter;
  return { ort, backend, threads: usedThreads };
}
