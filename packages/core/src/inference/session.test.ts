import { describe, expect, it } from 'vitest';
import { rejection } from '../testing/rejection.js';
import { createSession } from './session.js';
import type { Ort } from './runtime.js';

/** An onnxruntime whose session creation fails with `message`. */
const failing = (message: string) => ({ InferenceSession: { create: () => Promise.reject(new Error(message)) } }) as unknown as Ort;

describe('createSession', () => {
  it('is MODEL_LOAD_FAILED naming the model as its asset', async () => {
    const error = await rejection(createSession(failing('bad protobuf'), 'blazeface-short', new Uint8Array(1), 'wasm'));
    expect(error).toMatchObject({ code: 'MODEL_LOAD_FAILED', details: { model: 'blazeface-short', asset: 'blazeface-short', reason: 'Error: bad protobuf' } });
    expect(error.details['suggestion']).toBeUndefined();
  });

  it("names the Content-Security-Policy the runtime needs when the page's policy refused it", async () => {
    const refused = [
      "CompileError: WebAssembly.instantiate(): Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not an allowed source",
      'no available backend found. ERR: [wasm] TypeError: Failed to fetch dynamically imported module: blob:http://localhost/1f2e',
    ];
    for (const message of refused) {
      const error = await rejection(createSession(failing(message), 'blazeface-short', new Uint8Array(1), 'wasm'));
      expect(error.details['suggestion']).toContain("'wasm-unsafe-eval'");
    }
  });
});
