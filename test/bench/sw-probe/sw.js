/**
 * `pnpm bench:pwa`'s probe of the other place the REST routes could analyse: inside the service worker. A
 * service worker has no `Worker` (so not the SDK's pipeline), but it can run onnxruntime-web's bundled build on one
 * thread: this times its start (what every request after the service worker's idle stop would pay) and its warm
 * runs of the face detector and the classifier, the inference alone (no decode, letterbox or crop).
 */
import * as ort from '/ort/ort.wasm.bundle.min.mjs';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

async function bytes(url) {
  const response = await fetch(url);
  const body = url.endsWith('.gz') ? response.body.pipeThrough(new DecompressionStream('gzip')) : response.body;
  return new Uint8Array(await new Response(body).arrayBuffer());
}

let sessions;
self.addEventListener('message', (event) => {
  event.waitUntil(
    (async () => {
      const times = { worker: typeof Worker };
      try {
        let t = performance.now();
        if (!sessions) {
          ort.env.wasm.numThreads = 1;
          ort.env.wasm.wasmBinary = await bytes('/ort/ort-wasm-simd-threaded.wasm');
          times.wasmReadMs = performance.now() - t;
          t = performance.now();
          const options = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
          const detector = await ort.InferenceSession.create(await bytes('/assets/blazeface-short.onnx.gz'), options);
          times.startAndDetectorSessionMs = performance.now() - t;
          t = performance.now();
          const classifier = await ort.InferenceSession.create(await bytes('/assets/emolens-fer-int8.onnx'), options);
          times.classifierSessionMs = performance.now() - t;
          sessions = { detector, classifier };
        }
        const run = async () => {
          const { detector, classifier } = sessions;
          await detector.run({ [detector.inputNames[0]]: new ort.Tensor('float32', new Float32Array(128 * 128 * 3), [1, 128, 128, 3]) });
          await classifier.run({ [classifier.inputNames[0]]: new ort.Tensor('float32', new Float32Array(48 * 48), [1, 48, 48, 1]) });
        };
        t = performance.now();
        await run();
        times.firstRunMs = performance.now() - t;
        const warm = [];
        for (let i = 0; i < 30; i++) {
          t = performance.now();
          await run();
          warm.push(performance.now() - t);
        }
        warm.sort((a, b) => a - b);
        times.warmRunMedianMs = warm[15];
      } catch (error) {
        times.error = String(error);
      }
      event.source.postMessage(times);
    })(),
  );
});
