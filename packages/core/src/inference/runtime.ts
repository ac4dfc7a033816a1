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

/**
 * Loads the runtime for a backend preference. `wasmBinary` gives the bytes of the matching wasm file
 * (from the asset loader, so it is cached like every other asset).
 */
export async function loadRuntime(
  preference: ResolvedDetectorOptions['backend'],
  threads: ResolvedDetectorOptions['threads'],
  wasmBinary: (backend: Backend) => Promise<ArrayBuffer>,
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
  const binary = wasmBinary(backend);
  binary.catch(() => undefined); // a failure surfaces below, once awaited
  const ort: Ort = backend === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm');
  const usedThreads = wasmThreads(threads);
  ort.env.wasm.numThreads = usedThreads;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmBinary = await binary;
  ort.env.logLevel = 'error';
  if (adapter) (ort.env.webgpu as { adapter?: GPUAdapter }).adapter = adapter;
  return { ort, backend, threads: usedThreads };
}
