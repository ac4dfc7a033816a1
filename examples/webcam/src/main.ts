/**
 * Webcam demo: start the camera, draw each face's box with its primary emotion and confidence, live.
 * Everything runs on this device; the models come from the app's own origin.
 */
import { createDetector, isEmoLensError, type ClassifierModule, type LoadProgressEvent } from '@emolens/core';
import { drawFaces } from './draw.ts';

const status = document.querySelector<HTMLParagraphElement>('#status')!;
const progress = document.querySelector<HTMLProgressElement>('#progress')!;
const video = document.querySelector<HTMLVideoElement>('#video')!;
const overlay = document.querySelector<HTMLCanvasElement>('#overlay')!;
const start = document.querySelector<HTMLButtonElement>('#start')!;
const stats = document.querySelector<HTMLPreElement>('#stats')!;

const loaded = new Map<string, { loaded: number; total: number }>();
function onProgress(event: LoadProgressEvent): void {
  if (event.type === 'download') loaded.set(event.asset, { loaded: event.loaded, total: event.total ?? event.loaded });
  if (event.type === 'asset') loaded.set(event.asset, { loaded: event.bytes, total: event.bytes });
  const sum = [...loaded.values()].reduce((a, b) => ({ loaded: a.loaded + b.loaded, total: a.total + b.total }), { loaded: 0, total: 0 });
  if (sum.total > 0) progress.value = sum.loaded / sum.total;
  if (event.type === 'compile') status.textContent = `Compiling ${event.model}…`;
}

/** The other classifiers `?classifier=` may ask for: each is a module of its own, loaded only when asked for. */
const CLASSIFIERS: Record<string, () => Promise<ClassifierModule>> = {
  'emolens-ferplus': async () => (await import('@emolens/core/classifiers/emolens-ferplus')).emolensFerplus,
  'human-emotion': async () => (await import('@emolens/core/classifiers/human-emotion')).humanEmotion,
  'faceapi-expression': async () => (await import('@emolens/core/classifiers/faceapi-expression')).faceapiExpression,
};

const params = new URLSearchParams(location.search);
const classifier = params.get('classifier');
const backend = params.get('backend') as 'auto' | 'wasm' | 'webgpu' | null;
const detector = await createDetector({
  onProgress,
  ...(backend ? { backend } : {}),
  // ?backend=auto|webgpu brings the WebGPU runtime (a 26.8 MB wasm): the default demo runs WASM.
  ...(backend === 'auto' || backend === 'webgpu' ? { webgpu: (await import('@emolens/core/webgpu')).webgpu } : {}),
  ...(classifier && CLASSIFIERS[classifier] ? { classifier: await CLASSIFIERS[classifier]() } : classifier ? { classifier } : {}),
});
await detector.warmup();
progress.hidden = true;
status.textContent = `Ready: ${detector.classifier} on ${detector.backend}. Nothing leaves this device.`;
start.disabled = false;
document.body.dataset.state = 'ready';

let frames = 0;
let latency = 0;
async function loop(): Promise<void> {
  if (video.readyState >= 2) {
    try {
      const { result, timings } = await detector.profile(video);
      drawFaces(overlay, result);
      frames++;
      latency = latency === 0 ? timings.endToEnd : latency * 0.9 + timings.endToEnd * 0.1;
      stats.textContent = `faces: ${result.faces.length}   latency: ${latency.toFixed(1)} ms   frames: ${frames}\n` + JSON.stringify(result.faces[0]?.emotions.all ?? [], null, 0);
      document.body.dataset.faces = String(result.faces.length);
      document.body.dataset.frames = String(frames);
    } catch (error) {
      stats.textContent = isEmoLensError(error) ? `${error.code}: ${error.message}` : String(error);
    }
  }
  requestAnimationFrame(() => void loop());
}

start.addEventListener('click', async () => {
  start.disabled = true;
  try {
    video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, facingMode: 'user' }, audio: false });
    await video.play();
    overlay.width = video.videoWidth;
    overlay.height = video.videoHeight;
    status.textContent = `Running: ${detector.classifier} on ${detector.backend}.`;
    document.body.dataset.state = 'running';
    void loop();
  } catch (error) {
    status.textContent = `Camera unavailable: ${String(error)}`;
    start.disabled = false;
  }
});
