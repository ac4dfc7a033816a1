/**
 * EmoLens's pipeline worker for the memory runs: the SDK's own worker entry, unchanged, with the wasm
 * memory hook loaded first (so its MediaPipe and onnxruntime memories can be counted) and answering the
 * page's queries. onnxruntime starts its wasm threads from this same chunk (named `em-pthread…`): they
 * get the hook but do not answer (their memory is the shared one, counted once).
 */
import { answerWasmQueries } from './wasm-memory.ts';
// The entry is not in the package's `exports` (users get it through `createDetector()`), hence the path;
// `build-page.ts` marks it as having side effects (the package says `sideEffects: false`).
import '../../node_modules/@emolens/core/dist/worker/worker.js';

if (!(self as { name?: string }).name?.startsWith('em-pthread')) answerWasmQueries('emolens-worker');
