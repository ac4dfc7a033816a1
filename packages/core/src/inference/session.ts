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
    const reason = String(cause);
    // The runtime's first session is where a Content-Security-Policy stops it: WebAssembly compiled without
    // 'wasm-unsafe-eval', its glue or threads imported from a blob: URL that script-src does not allow.
    const refusedByPolicy = /unsafe-eval|Content Security Policy|Refused to|dynamically imported module: blob:/i.test(reason);
    throw new EmoLensError('MODEL_LOAD_FAILED', `Could not create the ${name} session on ${provider}`, {
      reason,
      model: name,
      asset: name,
      ...(refusedByPolicy ? { suggestion: "Allow the runtime in the page's Content-Security-Policy: script-src 'self' 'wasm-unsafe-eval' blob:; worker-src 'self' blob: (README, Install)." } : {}),
    }, { cause });
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
