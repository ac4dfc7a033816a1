/**
 * EmoLens's inference worker for the memory runs: the SDK's own inference worker entry, unchanged, with the
 * wasm memory hook loaded first so that onnxruntime's memory is counted. `emolens-worker.ts` makes the
 * pipeline worker start this file instead of the SDK's. onnxruntime starts its wasm threads from this
 * same chunk (named `em-pthread…`): they do not answer (their memory is the shared one, counted once).
 */
import { answerWasmQueries } from './wasm-memory.ts';
// Not in the package's `exports` (the pipeline worker starts it), hence the path; `build-page.ts` marks
// it as having side effects.
import '../../node_modules/@emolens/core/dist/worker/inference-worker.js';

if (!(self as { name?: string }).name?.startsWith('em-pthread')) answerWasmQueries('emolens-inference');
