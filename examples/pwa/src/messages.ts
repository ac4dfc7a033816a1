/** The messages between the app's pages and its service worker (one place for their names). */

/** Posted by the service worker as it stores each precached file. */
export const PRECACHE_PROGRESS = 'emolens-precache-progress';
export interface PrecacheProgress {
  type: typeof PRECACHE_PROGRESS;
  stored: number;
  total: number;
}

/** Posted by the page to let a waiting version take over (the name `vite-plugin-pwa`'s `updateSW` sends). */
export const SKIP_WAITING = 'SKIP_WAITING';

/** The Background Sync tag of the annotation queue. */
export const UPLOAD_SYNC_TAG = 'emolens-uploads';
/** Posted by the service worker when the network is back: drain the queue. */
export const UPLOAD_FLUSH = 'emolens-upload-flush';
