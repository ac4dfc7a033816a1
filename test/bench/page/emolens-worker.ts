/**
 * EmoLens's pipeline worker for the memory runs: the SDK's own worker entry, unchanged, with the wasm
 * memory hook loaded first (so its MediaPipe memory can be counted) and answering the page's queries.
 * The inference worker the pipeline starts is swapped for `emolens-inference-worker.ts` (the SDK's
 * inference worker entry with the same hook), so that onnxruntime's memory is counted too.
 */
import { answerWasmQueries } from './wasm-memory.ts';
import inferenceWorkerUrl from './emolens-inference-worker.ts?worker&url';
// The entry is not in the package's `exports` (users get it through `createDetector()`), hence the path;
// `build-page.ts` marks it as having side effects (the package says `sideEffects: false`).
import '../../node_modules/@emolens/core/dist/worker/worker.js';

const SdkWorker = self.Worker;
self.Worker = class extends SdkWorker {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(/\/inference-worker(-[\w-]+)?\.js$/.test(String(url)) ? new URL(inferenceWorkerUrl, self.location.href) : url, options);
  }
};
// onnxruntime may start its wasm threads from this chunk too (inference inline): they do not answer.
if (!(self as { name?: string }).name?.startsWith('em-pthread')) answerWasmQueries('emolens-worker');
