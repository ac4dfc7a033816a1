/**
 * Creates the demo's detector, with a progress bar over the model downloads. `?classifier=` and `?backend=` pick
 * another classifier or backend; each optional module is loaded only when asked for.
 */
import { createDetector, type ClassifierModule, type Detector, type LoadProgressEvent } from '@emolens/core';

/** The other classifiers `?classifier=` may ask for: each is a module of its own, loaded only when asked for. */
const CLASSIFIERS: Record<string, () => Promise<ClassifierModule>> = {
  'emolens-ferplus': async () => (await import('@emolens/core/classifiers/emolens-ferplus')).emolensFerplus,
  'human-emotion': async () => (await import('@emolens/core/classifiers/human-emotion')).humanEmotion,
  'faceapi-expression': async () => (await import('@emolens/core/classifiers/faceapi-expression')).faceapiExpression,
};

/** Creates and warms up the detector the page's URL asks for, reporting to `progress` and `status`. */
export async function loadDetector(progress: HTMLProgressElement, status: HTMLElement): Promise<Detector> {
  const loaded = new Map<string, { loaded: number; total: number }>();
  // Models compiled later, on first use (the face mesh, on the first Start: the learning states need it), must not
  // overwrite the status line the page shows by then.
  let starting = true;
  const onProgress = (event: LoadProgressEvent) => {
    if (!starting) return;
    if (event.type === 'download') loaded.set(event.asset, { loaded: event.loaded, total: event.total ?? event.loaded });
    if (event.type === 'asset') loaded.set(event.asset, { loaded: event.bytes, total: event.bytes });
    const sum = [...loaded.values()].reduce((a, b) => ({ loaded: a.loaded + b.loaded, total: a.total + b.total }), { loaded: 0, total: 0 });
    if (sum.total > 0) progress.value = sum.loaded / sum.total;
    if (event.type === 'compile') status.textContent = `Compiling ${event.model}…`;
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
  starting = false;
  return detector;
}
