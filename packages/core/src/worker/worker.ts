/**
 * Entry of the pipeline worker (a module Web Worker, one per detector): exposes the {@link Pipeline}
 * through Comlink. Nothing else crosses the boundary.
 */
import { expose } from 'comlink';
import { Pipeline } from '../pipeline/pipeline.js';
import { registerErrorTransfer } from './error-transfer.js';
import { sendNothing } from './send-nothing.js';

// onnxruntime's WASM threads start workers from the chunk that imported it; those must not answer
// the pipeline's messages.
if (!(self as { name?: string }).name?.startsWith('em-pthread')) {
  sendNothing(self);
  registerErrorTransfer();
  expose(new Pipeline());
}
