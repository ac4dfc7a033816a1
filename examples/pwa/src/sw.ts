/**
 * The app's service worker: the REST routes first (`@emolens/rest/sw`: the seeds' APIs answered by an open page),
 * then Workbox's precache of every file the build emitted (the app, the SDK's wasm runtime and models), with
 * progress posted to the pages while it installs. A new version waits until the user says yes (`SKIP_WAITING`).
 */
import { installRestRoutes } from '@emolens/rest/sw';
import { clientsClaim } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { PRECACHE_PROGRESS, SKIP_WAITING, UPLOAD_FLUSH, UPLOAD_SYNC_TAG, type PrecacheProgress } from './messages.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };

// The first fetch listener to answer a request wins: the REST routes go before Workbox's.
installRestRoutes(self);

const manifest = self.__WB_MANIFEST;
/** Files to download: the manifest may list one twice (the web manifest's icons are added to the glob's files). */
const total = new Set(manifest.map((entry) => (typeof entry === 'string' ? entry : entry.url))).size;
let stored = 0;
addPlugins([
  {
    // One call per file downloaded for the precache (a new version downloads only what changed).
    fetchDidSucceed: async ({ response }) => {
      stored++;
      await post({ type: PRECACHE_PROGRESS, stored, total } satisfies PrecacheProgress);
      return response;
    },
  },
]);
// The SDK asks for its assets with `?sha256=…` (its cache key): the same file as the precached one.
precacheAndRoute(manifest, { ignoreURLParametersMatching: [/^sha256$/] });
cleanupOutdatedCaches();
// Every navigation is the app (`/?collect=…` included), offline too.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));

self.addEventListener('install', () => {
  // The first version takes the page at once (it has nothing to replace); later ones wait for consent.
  if (!self.registration.active) void self.skipWaiting();
});
clientsClaim();

self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === SKIP_WAITING) void self.skipWaiting();
});

// Background Sync: the network is back; an open page drains the annotation queue (the uploader lives there).
self.addEventListener('sync', (event) => {
  const sync = event as Event & { tag: string; waitUntil(p: Promise<unknown>): void };
  if (sync.tag === UPLOAD_SYNC_TAG) sync.waitUntil(post({ type: UPLOAD_FLUSH }));
});

async function post(message: unknown): Promise<void> {
  for (const client of await self.clients.matchAll({ type: 'window', includeUncontrolled: true })) client.postMessage(message);
}
