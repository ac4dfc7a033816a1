/**
 * face-api in its video mode: `faceapi.detectAllFaces(video, new TinyFaceDetectorOptions()).withFaceExpressions()`
 * in a loop (`peer-loop.ts`), the call of its webcam examples for expressions. Unlike the side-by-side bench
 * (`peers/faceapi.ts`) there is no `.withFaceLandmarks()`: the expression net reads the detector's box as it is,
 * which is the lighter call a live page would pick.
 */
import type { PeerBackend } from '../api.ts';
import { loadFaceApi } from '../peers/faceapi.ts';
import { wasmThreads } from '../peers/tfjs.ts';
import type { LiveRunner } from './harness.ts';
import { peerLiveRunner } from './peer-loop.ts';

export async function createFaceApiLive(backend: PeerBackend | 'wasm'): Promise<LiveRunner> {
  const { faceapi, tf } = await loadFaceApi(backend, ['tinyFaceDetector', 'faceExpressionNet']);
  const nets = [faceapi.nets.tinyFaceDetector, faceapi.nets.faceExpressionNet];
  const options = new faceapi.TinyFaceDetectorOptions();
  return peerLiveRunner(
    {
      system: 'faceapi',
      backend: tf.getBackend(),
      threads: tf.getBackend() === 'wasm' ? wasmThreads(tf) : null,
      version: `@vladmandic/face-api ${faceapi.version}`,
      call: `faceapi.detectAllFaces(video, new TinyFaceDetectorOptions()).withFaceExpressions() (inputSize ${options.inputSize}, scoreThreshold ${options.scoreThreshold})`,
    },
    async (input) => {
      const faces = await faceapi.detectAllFaces(input, options).withFaceExpressions();
      return faces.map((f) => f.detection.box.width);
    },
    async () => {
      for (const net of nets) net.dispose();
    },
  );
}
