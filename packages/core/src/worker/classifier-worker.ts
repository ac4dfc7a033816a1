/**
 * Entry of the classifier worker, started by the pipeline worker (`pipeline/classifier-client.ts`):
 * exposes a {@link ClassifierService} through Comlink.
 */
import { expose } from 'comlink';
import { ClassifierService } from '../pipeline/classifier-service.js';
import { registerErrorTransfer } from './error-transfer.js';

// onnxruntime's WASM threads start workers from the chunk that imported it; those must not answer
// the pipeline worker's messages.
if (!(self as { name?: string }).name?.startsWith('em-pthread')) {
  registerErrorTransfer();
  expose(new ClassifierService());
}
