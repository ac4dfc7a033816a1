/**
 * `@emolens/core/webgpu`: onnxruntime's WebGPU build (a 26.8 MB wasm, shipped gzipped as 6.6 MB), for apps
 * that want the classifier on the GPU. Pass it to `createDetector({ webgpu })`; without it, `backend: 'auto'` runs
 * WASM and the build holds no WebGPU runtime.
 *
 * @example
 * ```ts
 * import { createDetector } from '@emolens/core';
 * import { webgpu } from '@emolens/core/webgpu';
 * const detector = await createDetector({ webgpu }); // WebGPU on a real adapter that passes the self-check
 * ```
 * @packageDocumentation
 */
import type { WebGpuRuntime } from './assets/extras.js';
import { ASSET_URLS } from './assets/urls-webgpu.generated.js';

/** The WebGPU runtime's assets. */
export const webgpu: WebGpuRuntime = { backend: 'webgpu', assetUrls: ASSET_URLS };
