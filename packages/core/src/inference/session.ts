/** One onnxruntime-web inference session: the type every model's wrapper holds, and how one is created. */
import { EmoLensError } from '@emolens/schema';
import type { Backend } from '../assets/progress.js';
import type { Ort } from './runtime.js';

/** An onnxruntime-web session. */
export type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

/** A session of `model` on `provider`, fully optimised; `MODEL_LOAD_FAILED` naming the model when it cannot be created. */
export async function createSession(ort: Ort, name: string, model: Uint8Array, provider: Backend): Promise<Session> {
  try {
    return await ort.InferenceSession.create(model, { executionProviders: [provider], graphOptimizationLevel: 'all' });
  } catch (cause) {
    throw new EmoLensError('MODEL_LOAD_FAILED', `Could not create the ${name} session on ${provider}`, { reason: String(cause), model: name }, { cause });
  }
}

/** The float32 data of output `key` of a run (disposed once read); `INTERNAL_ERROR` when the model has no such output. */
export async function readOutput(outputs: Awaited<ReturnType<Session['run']>>, key: string, model: string): Promise<Float32Array> {
  const output = outputs[key];
  if (!output) throw new EmoLensError('INTERNAL_ERROR', `The ${model} model has no output "${key}"`, { kind: 'model_mismatch' });
  const data = (await output.getData()) as Float32Array;
  output.dispose();
  return data;
}
