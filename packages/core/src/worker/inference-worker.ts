/**
 * Entry of the inference worker, started by the pipeline worker (`inference/inference-client.ts`): exposes an
 * {@link InferenceService} through Comlink.
 */
import { expose } from 'comlink';
import { InferenceService } from '../inference/inference-service.js';
import { registerErrorTransfer } from './error-transfer.js';
import { sendNothing } from './send-nothing.js';

// onnxruntime's WASM threads start workers from the chunk that imported it; those must not answer
// the pipeline worker's messages.
if (!(self as { name?: string }).name?.startsWith('em-pthread')) {
  sendNothing(self);
  registerErrorTransfer();
  expose(new InferenceService());
}
