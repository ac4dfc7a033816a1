/**
 * Corrections, queued on the device by `@emolens/uploader` and posted to an `/insert`-compatible server when the
 * network allows: at once when online, on `online`, and on Background Sync where the browser has it (the service
 * worker then asks an open page to drain the queue). Sending needs the user's consent; nothing is queued without it.
 */
import type { WiaEmotion, WiaFace } from '@emolens/core';
import { UNESTIMATED_LEARNING_STATES } from '@emolens/schema';
import { createUploader, describeEndpoint, type Uploader } from '@emolens/uploader';
import { byId } from './dom.ts';
import { UPLOAD_SYNC_TAG } from './messages.ts';
import type { PhotoRow } from './photo-rows.ts';

const CONSENT_KEY = 'emolens-pwa:share-consent';
/**
 * The midpoint of DAiSEE's 0–3 scale: the predicted states of a face that has none, and the user's states (this app
 * corrects only the emotion, so it says nothing of them).
 */
const UNESTIMATED = { ...UNESTIMATED_LEARNING_STATES };

/** The `/insert` URL: `?collect=<url>`, else `/collect/insert` on this origin (proxied to the server). */
function endpoint(): string {
  return new URL(new URLSearchParams(location.search).get('collect') ?? 'collect/insert', location.href).href;
}

export class Annotations {
  readonly uploader: Uploader;
  private readonly consent = byId<HTMLInputElement>('share-consent');
  private readonly status = byId('queue-status');

  constructor() {
    const url = endpoint();
    // Consent is kept for one server: a link with another `?collect=` asks again, naming where pictures would go.
    this.consent.checked = localStorage.getItem(CONSENT_KEY) === url;
    this.uploader = createUploader({ endpoint: url, consent: this.consent.checked });
    byId('collect-destination').textContent = describeEndpoint(url);
    this.consent.addEventListener('change', () => {
      if (this.consent.checked) localStorage.setItem(CONSENT_KEY, url);
      else localStorage.removeItem(CONSENT_KEY);
      this.uploader.setConsent(this.consent.checked);
      // Withdrawn: what has not left the device yet is erased.
      if (!this.consent.checked) void this.uploader.clear();
    });
    this.uploader.on('change', (state) => {
      this.status.textContent = `${state.queued.items} waiting, ${state.dead.items} refused${state.online ? '' : ' (offline)'}`;
      document.body.dataset.queued = String(state.queued.items);
    });
  }

  /** Queues the correction of `row`'s first face, its estimated learning states as the predicted ones. */
  correct = async (file: File, row: PhotoRow, label: WiaEmotion): Promise<void> => {
    const face = row.result!.faces[0] as WiaFace;
    await this.uploader.submit({
      image: file,
      predicted: face.learning_states ?? UNESTIMATED,
      corrected: UNESTIMATED,
      extensions: { predicted_emotion: face.emotions.primary.label, user_emotion: label, wia_face: face },
      meta: { source: 'emolens-pwa', file: row.file.slice(0, 256) },
    });
    await requestSync();
  };

  /** Drains the queue now (Background Sync woke the page). */
  flush(): void {
    void this.uploader.flush();
  }
}

/** Asks for a Background Sync, where the browser has it, so the queue drains when the network returns. */
async function requestSync(): Promise<void> {
  const registration = (await navigator.serviceWorker?.getRegistration()) as (ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }) | undefined;
  await registration?.sync?.register(UPLOAD_SYNC_TAG).catch(() => undefined);
}
