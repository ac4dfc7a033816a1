/**
 * `@vladmandic/face-api` 1.7.15 as a {@link Runner}, on the main thread as documented, its ESM bundle
 * (tfjs included), its models served from `/models/faceapi/`, tfjs's wasm binaries from `/tfjs-wasm/`.
 *
 * The same job: `detectAllFaces(input, new TinyFaceDetectorOptions())` (defaults: inputSize 416,
 * scoreThreshold 0.5) `.withFaceLandmarks()` (the 68-point net, which aligns the crop)
 * `.withFaceExpressions()`. face-api takes media elements, not ImageBitmaps, so each frame is drawn on a
 * canvas first (inside the timed call, ~0.3 ms: what a user does with a video frame too).
 * The bundle is loaded as it ships (`/lib/faceapi/face-api.esm.js`), not re-bundled (see `human.ts`).
 */
import type * as FaceApi from '@vladmandic/face-api';
import type { PeerBackend } from '../api.ts';
import type { Runner } from '../harness.ts';
import { wasmThreads } from './tfjs.ts';

export interface Tf {
  setWasmPaths?(prefix: string): void;
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
}

const MODELS = '/models/faceapi/';
const FACEAPI_URL = '/lib/faceapi/face-api.esm.js';

/** face-api from its bundle on `backend`, with the nets of `nets` loaded. */
export async function loadFaceApi(backend: PeerBackend, nets: readonly ('tinyFaceDetector' | 'faceLandmark68Net' | 'faceExpressionNet')[]): Promise<{ faceapi: typeof FaceApi; tf: Tf }> {
  const faceapi = (await import(/* @vite-ignore */ FACEAPI_URL)) as typeof FaceApi;
  const tf = faceapi.tf as unknown as Tf;
  if (backend === 'wasm') {
    if (!tf.setWasmPaths) throw new Error('face-api bundle has no setWasmPaths');
    tf.setWasmPaths(`${location.origin}/tfjs-wasm/`);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`face-api: backend ${backend} failed`);
  await tf.ready();
  await Promise.all(nets.map((net) => faceapi.nets[net].loadFromUri(MODELS)));
  return { faceapi, tf };
}

export async function createFaceApi(backend: PeerBackend): Promise<Runner> {
  const { faceapi, tf } = await loadFaceApi(backend, ['tinyFaceDetector', 'faceLandmark68Net', 'faceExpressionNet']);
  const options = new faceapi.TinyFaceDetectorOptions();
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D context');
  return {
    system: 'faceapi',
    backend: tf.getBackend(),
    threads: tf.getBackend() === 'wasm' ? wasmThreads(tf) : null,
    version: `@vladmandic/face-api ${faceapi.version}`,
    async detect(frame) {
      if (canvas.width !== frame.width || canvas.height !== frame.height) {
        canvas.width = frame.width;
        canvas.height = frame.height;
      }
      ctx.drawImage(frame, 0, 0);
      const faces = await faceapi.detectAllFaces(canvas, options).withFaceLandmarks().withFaceExpressions();
      return faces.length;
    },
    async dispose() {
      for (const net of [faceapi.nets.tinyFaceDetector, faceapi.nets.faceLandmark68Net, faceapi.nets.faceExpressionNet]) net.dispose();
    },
  };
}
