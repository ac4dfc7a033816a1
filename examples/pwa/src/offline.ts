/**
 * The service worker, seen from the page: registers it, shows the precache's progress on the first visit, waits
 * until it controls the page (so that the SDK's files come from the precache, downloaded once), and offers a new
 * version when one is waiting.
 */
import { registerSW } from 'virtual:pwa-register';
import { PRECACHE_PROGRESS, UPLOAD_FLUSH, type PrecacheProgress } from './messages.ts';

export interface OfflineHooks {
  /** Each file the service worker stored (first visit, or a new version installing). */
  onProgress(progress: PrecacheProgress): void;
  /** A new version is installed and waiting: call `apply` to switch to it (the page reloads). */
  onUpdateReady(apply: () => void): void;
  /** The network is back (Background Sync): drain the annotation queue. */
  onFlush(): void;
}

/** How long a first visit waits for the service worker before it goes on without it (its files from the network). */
const CONTROL_TIMEOUT_MS = 120_000;

/** Registers the service worker; resolves once it controls the page (at once from the second visit on). */
export async function startOffline(hooks: OfflineHooks): Promise<'controlled' | 'uncontrolled'> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return 'uncontrolled';
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as { type?: string } | null;
    if (data?.type === PRECACHE_PROGRESS) hooks.onProgress(data as PrecacheProgress);
    else if (data?.type === UPLOAD_FLUSH) hooks.onFlush();
  });
  const controlled = new Promise<void>((resolve) => {
    if (navigator.serviceWorker.controller) resolve();
    else navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true });
  });
  let failed: () => void = () => undefined;
  const registrationFailed = new Promise<void>((resolve) => (failed = resolve));
  const update = registerSW({
    immediate: true,
    onNeedRefresh: () => hooks.onUpdateReady(() => void update()),
    // The new version controls the page: reload once it is active.
    onNeedReload: reloadWhenActive,
    onRegisterError: () => failed(),
  });
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, CONTROL_TIMEOUT_MS));
  await Promise.race([controlled, registrationFailed, timeout]);
  return navigator.serviceWorker.controller ? 'controlled' : 'uncontrolled';
}

/**
 * Reloads the page once its new controller has finished activating. The controller changes as soon as the new
 * version starts activating; a navigation started then would wait on its activate event (the precache clean-up),
 * one started after it goes straight to the new version.
 */
function reloadWhenActive(): void {
  const controller = navigator.serviceWorker.controller;
  if (!controller || controller.state === 'activated') {
    location.reload();
    return;
  }
  const onState = () => {
    if (controller.state !== 'activated' && controller.state !== 'redundant') return;
    controller.removeEventListener('statechange', onState);
    location.reload();
  };
  controller.addEventListener('statechange', onState);
}
