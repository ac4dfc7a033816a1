/**
 * The EmoLens PWA: installable, and fully offline from the second visit on. The service worker precaches the app
 * and the SDK's files (`offline.ts`); the page then runs the detector on photos, the webcam and video files, answers
 * the seeds' REST APIs on its own origin (`serveRest`), and queues corrections for a collection server.
 */
import { createDetector, isEmoLensError, type ClassifierModule, type Detector } from '@emolens/core';
import type { Uploader } from '@emolens/uploader';
import { serveRest } from '@emolens/rest';
import { Annotations } from './annotate.ts';
import { byId } from './dom.ts';
import { startOffline } from './offline.ts';
import { PhotosPanel } from './photos.ts';
import { VideoPanel } from './video.ts';
import { WebcamPanel } from './webcam.ts';
import './style.css';

declare global {
  interface Window {
    /** For tests and the console: the page's detector and uploader. */
    __pwa?: { detector: Detector; uploader: Uploader };
  }
}

const status = byId('status');

/**
 * The classifier: the default, or one chosen at build time (`VITE_EMOLENS_CLASSIFIER=emolens-ferplus`). Vite
 * replaces the variable, so a build holds only the model it uses.
 */
async function classifier(): Promise<ClassifierModule | undefined> {
  if (import.meta.env.VITE_EMOLENS_CLASSIFIER === 'emolens-ferplus') return (await import('@emolens/core/classifiers/emolens-ferplus')).emolensFerplus;
  return undefined;
}
const update = byId<HTMLButtonElement>('update');

async function main(): Promise<void> {
  const annotations = new Annotations();
  status.textContent = 'Preparing offline use…';
  const control = await startOffline({
    onProgress: ({ stored, total }) => {
      status.textContent = `Downloading for offline use: ${stored} / ${total} files`;
      document.body.dataset.precached = `${stored}/${total}`;
    },
    onUpdateReady: (apply) => {
      update.hidden = false;
      update.onclick = apply;
      document.body.dataset.updateReady = 'true';
    },
    onFlush: () => {
      annotations.flush();
      document.body.dataset.syncFlushes = String(Number(document.body.dataset.syncFlushes ?? 0) + 1);
    },
  });
  status.textContent = 'Loading the models…';
  // The first start reads the SDK's files from the precache; the SDK then keeps them inflated and checked in its own
  // cache, which makes every later start 150–250 ms faster (measured with pnpm bench:pwa) for ~15 MB more storage.
  const chosen = await classifier();
  const detector = await createDetector({
    ...(chosen ? { classifier: chosen } : {}),
    cache: true,
    onProgress: (e) => {
      if (e.type === 'download') status.textContent = `Downloading ${e.asset}: ${Math.round(e.loaded / 1024)} KiB`;
    },
  });
  serveRest(detector);
  window.__pwa = { detector, uploader: annotations.uploader };
  new PhotosPanel(detector, annotations.correct);
  new WebcamPanel(detector);
  new VideoPanel(detector);
  status.textContent = control === 'controlled' ? 'Ready — works offline' : 'Ready (online only: no service worker)';
  document.body.dataset.ready = 'true';
  document.body.dataset.offline = control;
}

main().catch((error: unknown) => {
  status.textContent = isEmoLensError(error) ? `${error.code}: ${error.message}` : String(error);
  document.body.dataset.failed = 'true';
});
