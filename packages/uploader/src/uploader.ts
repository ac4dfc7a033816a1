/**
 * `createUploader`: the consent gate, the submit path (validate, re-encode, store), and the drain scheduling (start,
 * submit, `online`, the next due item's timer, other tabs' news, `flush()`).
 */
import {
  bindMethods,
  EmoLensError,
  isEmoLensError,
  toWakeeInsertBody,
  type AnnotationMeta,
  type LearningStateScores,
  type WakeeInsertExtensions,
} from '@emolens/schema';
import { bytesToBase64 } from './base64.js';
import { drainQueue, type DrainResult, type SentInfo } from './drain.js';
import { Emitter } from './emitter.js';
import { encodeImage, type UploadImage } from './image-encode.js';
import { resolveOptions, type ResolvedUploaderOptions, type UploaderOptions } from './options.js';
import { QueueStore, queueDatabaseName, type DeadLetter, type FailureInfo, type ItemCount, type QueuedItem, type QueueStats } from './queue-store.js';
import { withTabLock } from './tab-lock.js';
import { checkAgainstSchema } from './schema-check.js';
import { snapshotSubmission, validateSubmission } from './validate-submission.js';

/** One annotation to upload. */
export interface Submission {
  /** The image; it is re-encoded as a JPEG of at most `maxSide` pixels on its longest side before it is queued. */
  image: UploadImage;
  /** The model's scores of the four learning states, each in [0, 3] (`predicted_<state>`). */
  predicted: LearningStateScores;
  /** The user's scores (`user_<state>`). */
  corrected: LearningStateScores;
  /** EmoLens extension fields: `predicted_emotion`, `user_emotion`, `predicted_probabilities`, `wia_face`. */
  extensions?: Omit<WakeeInsertExtensions, 'meta'>;
  /** The app's context (sent as `meta`): at most 32 entries of strings (≤ 256 characters), numbers, booleans, null. */
  meta?: AnnotationMeta;
}

/** What a UI shows; {@link Uploader.state} returns it and the `change` event carries it. */
export interface UploaderState {
  /** The browser is online (`navigator.onLine`) and the last request reached the server (or none failed yet). */
  online: boolean;
  /** This tab has a request in flight. */
  sending: boolean;
  /** Whether sending is allowed. */
  consent: boolean;
  /** Items waiting in the line (all tabs). */
  queued: ItemCount;
  /** Dead letters (all tabs). */
  dead: ItemCount;
}

/** The events of an uploader and what each carries. */
export interface UploaderEventMap {
  /** An item was stored in the queue by this tab (`width`/`height`: its re-encoded image). */
  queued: { item: QueuedItem; width: number; height: number };
  /** A request for `item` is starting (`attempt`: 1 for the first try). */
  sending: { item: QueuedItem; attempt: number };
  /** The server stored `item` (2xx); `response` is its JSON body. */
  sent: SentInfo;
  /** A try failed transiently; the item waits in the line until `nextAttemptAt`. */
  failed: { item: QueuedItem; failure: FailureInfo; nextAttemptAt: number };
  /** The server refused an item for good (or it ran out of tries): it is now a dead letter. */
  dead: { letter: DeadLetter };
  /** `state().online` became true. */
  online: UploaderState;
  /** `state().online` became false. */
  offline: UploaderState;
  /** Anything in {@link UploaderState} changed. */
  change: UploaderState;
  /**
   * A step the uploader took on its own failed (reading the queue, a send pass it started; not `flush()`, whose
   * promise rejects): e.g. `INTERNAL_ERROR` `storage_unavailable` on a page without IndexedDB. It goes on, and
   * tries again at the next trigger. With no listener, the error goes to `reportError` (the page's `error` event).
   */
  error: EmoLensError;
}

/** How {@link Uploader.flush} ended: see each status. */
export type FlushResult = DrainResult;

/** A durable, consented uploader of annotations; see `createUploader`. */
export interface Uploader {
  /** The options, resolved (defaults filled in). */
  readonly options: Readonly<ResolvedUploaderOptions>;
  /**
   * Validates the submission, re-encodes its image and stores the request in IndexedDB; resolves once it is stored
   * (it survives a reload from then on) and starts sending. Rejects with `CONSENT_REQUIRED` without consent,
   * `INVALID_REQUEST` (`details.field`) for bad scores or fields, `INVALID_IMAGE` (`details.kind`) for an image that
   * cannot be decoded, `QUEUE_FULL` over the byte budget, `DISPOSED` after `close()`.
   */
  submit(submission: Submission): Promise<QueuedItem>;
  /**
   * Sends what can be sent now; resolves when the line is empty or blocked (the head waits for its retry time, the
   * browser is offline, no consent, closed), saying which. Waits for another tab's pass first when one is running.
   */
  flush(): Promise<FlushResult>;
  /**
   * The current state, as last read (the `change` event fires when it changes). Once `submit`, `clear`, `retryDead`
   * or `deleteDead` has resolved, the counts include that change.
   */
  state(): UploaderState;
  /** Listens to an event; returns the function that stops listening. */
  on<K extends keyof UploaderEventMap>(type: K, listener: (event: UploaderEventMap[K]) => void): () => void;
  /**
   * Turns sending on or off. Off: nothing more is queued (`submit` rejects) or sent (a request already in flight
   * completes); the stored items stay on the device until consent is given again or {@link Uploader.clear} erases them.
   */
  setConsent(consent: boolean): void;
  /** The items waiting in the line, in sending order (metadata, no bodies). */
  queued(): Promise<QueuedItem[]>;
  /** The dead letters, oldest first, with each one's status and the server's error body. */
  deadLetters(): Promise<DeadLetter[]>;
  /** Puts dead letter `id` back in the line (at its original place, tries reset). Resolves to `false` when there is none. */
  retryDead(id: string): Promise<boolean>;
  /** Deletes dead letter `id`. Resolves to `false` when there is none. */
  deleteDead(id: string): Promise<boolean>;
  /** Erases every queued item and dead letter of this queue (e.g. when the user withdraws consent). */
  clear(): Promise<void>;
  /**
   * Stops timers, listeners and the request in flight (its item stays queued and is sent again later, under the same
   * `Idempotency-Key`); later calls reject with `DISPOSED`. Resolves when this tab has stopped sending.
   */
  close(): Promise<void>;
}

/** Messages between the tabs of one queue (BroadcastChannel `emolens-uploader:<name>`). */
type TabMessage = { type: 'queued' } | { type: 'changed' };

/**
 * Creates an uploader on the queue of `options.name` (default: the endpoint), and starts sending what that queue
 * holds (if consent is given). Throws `INVALID_REQUEST` for bad options.
 *
 * @example
 * ```ts
 * const uploader = createUploader({ endpoint: 'https://api.example.com/insert', consent: userAgreed });
 * await uploader.submit({ image: file, predicted, corrected });  // stored: sent now or after the next reload
 * uploader.on('change', (s) => badge.textContent = `${s.queued.items} waiting`);
 * ```
 */
export function createUploader(options: UploaderOptions): Uploader {
  const resolved = resolveOptions(options);
  return new UploaderImpl(resolved);
}

const EMPTY: QueueStats = { queued: { items: 0, bytes: 0 }, dead: { items: 0, bytes: 0 } };
/** Longest wait setTimeout takes (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

class UploaderImpl implements Uploader {
  readonly options: ResolvedUploaderOptions;
  private readonly store: QueueStore;
  private readonly events = new Emitter<UploaderEventMap>();
  private readonly closing = new AbortController();
  private readonly channel: BroadcastChannel | undefined;
  private readonly lockName: string;
  private consent: boolean;
  private closed = false;
  private browserOnline: boolean;
  private reachable = true;
  private sending = false;
  private stats: QueueStats = EMPTY;
  private statsReads = 0;
  private latestRead: Promise<void> = Promise.resolve();
  private networkBackAt = Date.now();
  private loop: Promise<DrainResult> | undefined;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly removeListeners: () => void;

  constructor(options: ResolvedUploaderOptions) {
    bindMethods(this);
    this.options = options;
    this.consent = options.consent;
    this.store = new QueueStore(options.name);
    this.lockName = queueDatabaseName(options.name);
    this.browserOnline = typeof navigator === 'undefined' || navigator.onLine !== false;
    const onOnline = () => {
      this.browserOnline = true;
      this.reachable = true;
      this.networkBackAt = Date.now();
      this.changed();
      this.kickSoon();
    };
    const onOffline = () => {
      this.browserOnline = false;
      this.changed();
    };
    const target = globalThis as Partial<Pick<Window, 'addEventListener' | 'removeEventListener'>>;
    target.addEventListener?.('online', onOnline);
    target.addEventListener?.('offline', onOffline);
    this.channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(this.lockName) : undefined;
    const onMessage = (event: MessageEvent<TabMessage>) => {
      void this.refresh();
      if (event.data?.type === 'queued') this.kickSoon();
    };
    this.channel?.addEventListener('message', onMessage);
    this.removeListeners = () => {
      target.removeEventListener?.('online', onOnline);
      target.removeEventListener?.('offline', onOffline);
      this.channel?.removeEventListener('message', onMessage);
      this.channel?.close();
    };
    void this.refresh();
    this.kickSoon();
  }

  async submit(submission: Submission): Promise<QueuedItem> {
    this.assertOpen();
    if (!this.consent) throw consentError();
    if (typeof submission !== 'object' || submission === null) {
      throw new EmoLensError('INVALID_REQUEST', 'submit needs { image, predicted, corrected }', { field: 'submission' });
    }
    // Read once, now: what is checked is what is sent, whatever the caller's objects do after this call.
    const { image, predicted, corrected, extensions, meta } = snapshotSubmission(submission);
    if (image === undefined || image === null) {
      throw new EmoLensError('INVALID_REQUEST', 'The submission has no image', { field: 'image', kind: 'missing_image' });
    }
    validateSubmission(predicted, corrected, extensions, meta);
    checkAgainstSchema(predicted, corrected, extensions, meta);
    let encoded: Awaited<ReturnType<typeof encodeImage>>;
    try {
      encoded = await encodeImage(image as UploadImage, { maxSide: this.options.maxSide, quality: this.options.jpegQuality });
    } catch (error) {
      // A Proxy around a Blob, a revoked one…: the browser's own TypeError.
      if (isEmoLensError(error)) throw error;
      throw new EmoLensError('INVALID_IMAGE', 'The image could not be read', { kind: 'unsupported_type', field: 'image', reason: String(error) }, { cause: error });
    }
    const body = toWakeeInsertBody(bytesToBase64(encoded.bytes), predicted, corrected, { ...extensions, meta });
    // The uploader may have closed, or consent been withdrawn, while the image was encoding.
    this.assertOpen();
    if (!this.consent) throw consentError();
    const item = await this.store.add({ id: randomId(), body: JSON.stringify(body), createdAt: Date.now() }, this.options.maxQueueBytes);
    this.events.emit('queued', { item, width: encoded.width, height: encoded.height });
    this.post({ type: 'queued' });
    this.kickSoon();
    await this.refresh();
    return item;
  }

  flush(): Promise<FlushResult> {
    if (this.closed) return Promise.resolve({ status: 'closed' });
    return this.kick();
  }

  state(): UploaderState {
    return {
      online: this.browserOnline && this.reachable,
      sending: this.sending,
      consent: this.consent,
      queued: { ...this.stats.queued },
      dead: { ...this.stats.dead },
    };
  }

  on<K extends keyof UploaderEventMap>(type: K, listener: (event: UploaderEventMap[K]) => void): () => void {
    return this.events.on(type, listener);
  }

  setConsent(consent: boolean): void {
    if (typeof consent !== 'boolean') throw new EmoLensError('INVALID_REQUEST', 'consent must be true or false', { field: 'consent' });
    if (consent === this.consent) return;
    this.consent = consent;
    this.changed();
    if (consent) this.kickSoon();
  }

  async queued(): Promise<QueuedItem[]> {
    this.assertOpen();
    return this.store.queued();
  }

  async deadLetters(): Promise<DeadLetter[]> {
    this.assertOpen();
    return this.store.deadLetters();
  }

  async retryDead(id: string): Promise<boolean> {
    this.assertOpen();
    const item = await this.store.retryDead(id);
    if (!item) return false;
    this.post({ type: 'queued' });
    this.kickSoon();
    await this.refresh();
    return true;
  }

  async deleteDead(id: string): Promise<boolean> {
    this.assertOpen();
    const deleted = await this.store.deleteDead(id);
    if (deleted) await this.afterChange();
    return deleted;
  }

  async clear(): Promise<void> {
    this.assertOpen();
    await this.store.clear();
    await this.afterChange();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort(new EmoLensError('DISPOSED', 'The uploader was closed'));
    clearTimeout(this.timer);
    this.removeListeners();
    await this.loop?.catch(() => undefined);
    this.events.clear();
    this.store.close();
  }

  /** A background failure: to the `error` listeners, else to `reportError`. */
  private report(error: unknown): void {
    if (!this.events.has('error')) return report(error);
    this.events.emit('error', isEmoLensError(error) ? error : new EmoLensError('INTERNAL_ERROR', 'The uploader failed in the background', { kind: 'unexpected', reason: String(error) }, { cause: error }));
  }

  private assertOpen(): void {
    if (this.closed) throw new EmoLensError('DISPOSED', 'The uploader was closed');
  }

  /** Starts a pass (or asks the running one for another round); resolves with the last round's result. */
  private kick(): Promise<DrainResult> {
    this.again = true;
    this.loop ??= this.runLoop();
    return this.loop;
  }

  /** {@link kick} for internal triggers: errors are reported, not thrown. */
  private kickSoon(): void {
    if (this.closed) return;
    this.kick().catch((error: unknown) => this.report(error));
  }

  private async runLoop(): Promise<DrainResult> {
    // Yield first, so that `loop` is set before this body can reach its `finally`.
    await undefined;
    let result: DrainResult = { status: 'empty' };
    try {
      // No await between the last check of `again` and clearing `loop`: a kick either sees the loop or starts one.
      while (this.again && !this.closed) {
        this.again = false;
        clearTimeout(this.timer);
        result = await this.pass();
        this.schedule(result);
      }
      return this.closed ? { status: 'closed' } : result;
    } catch (error) {
      if (this.closed) return { status: 'closed' };
      // IndexedDB failed (e.g. the database was deleted under us): try again later rather than never.
      this.schedule({ status: 'waiting', nextAttemptAt: Date.now() + this.options.retryMaxMs });
      throw error;
    } finally {
      this.loop = undefined;
    }
  }

  private pass(): Promise<DrainResult> {
    return withTabLock(this.lockName, this.closing.signal, () =>
      drainQueue({
        store: this.store,
        options: this.options,
        signal: this.closing.signal,
        networkBackAt: () => this.networkBackAt,
        paused: () => (this.closed ? 'closed' : !this.consent ? 'no_consent' : !this.browserOnline ? 'offline' : undefined),
        hooks: {
          sending: (item, attempt) => {
            this.setSending(true);
            this.events.emit('sending', { item, attempt });
          },
          sent: (info) => {
            this.setSending(false);
            this.events.emit('sent', info);
          },
          failed: (item, failure, nextAttemptAt) => {
            this.setSending(false);
            this.events.emit('failed', { item, failure, nextAttemptAt });
          },
          dead: (letter) => {
            this.setSending(false);
            this.events.emit('dead', { letter });
          },
          reachable: (reachable) => {
            if (!reachable) this.setSending(false);
            if (reachable !== this.reachable) {
              this.reachable = reachable;
              this.changed();
            }
          },
          changed: () => void this.afterChange(),
        },
      }),
    ).finally(() => this.setSending(false));
  }

  /** Sets the timer of the next due item after a pass that ended waiting. */
  private schedule(result: DrainResult): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (result.status !== 'waiting' || this.closed) return;
    this.timer = setTimeout(() => this.kickSoon(), Math.min(MAX_TIMER_MS, Math.max(0, result.nextAttemptAt - Date.now())));
  }

  private setSending(sending: boolean): void {
    if (sending === this.sending) return;
    this.sending = sending;
    this.changed();
  }

  /** After this tab changed the store: tell the other tabs, and read the counts again. */
  private afterChange(): Promise<void> {
    this.post({ type: 'changed' });
    return this.refresh();
  }

  private post(message: TabMessage): void {
    try {
      this.channel?.postMessage(message);
    } catch {
      // Closed.
    }
  }

  /**
   * Reads the counts from the store. Settles once `state()` shows them, or the counts of a later read: a read that
   * finishes after a later one is dropped, so that a caller awaiting a change (e.g. `clear()`) never sees older counts.
   */
  private refresh(): Promise<void> {
    const read = ++this.statsReads;
    this.latestRead = this.readStats(read);
    return this.latestRead;
  }

  private async readStats(read: number): Promise<void> {
    try {
      const stats = await this.store.stats();
      if (this.closed) return;
      if (read !== this.statsReads) return this.latestRead;
      this.stats = stats;
      this.changed();
    } catch (error) {
      if (!this.closed) this.report(error);
    }
  }

  private lastState = '';
  private lastOnline: boolean | undefined;

  /** Emits `change` (and `online`/`offline`) when the state differs from the last emitted one. */
  private changed(): void {
    if (this.closed) return;
    const state = this.state();
    const key = JSON.stringify(state);
    if (key === this.lastState) return;
    this.lastState = key;
    if (this.lastOnline !== undefined && state.online !== this.lastOnline) this.events.emit(state.online ? 'online' : 'offline', state);
    this.lastOnline = state.online;
    this.events.emit('change', state);
  }
}

function consentError(): EmoLensError {
  return new EmoLensError('CONSENT_REQUIRED', 'The user has not consented to sharing annotations', {
    reason: 'consent is false',
    suggestion: 'ask the user, then call uploader.setConsent(true)',
  });
}

/** A random UUID v4: `crypto.randomUUID` (secure contexts), else built from `crypto.getRandomValues`. */
function randomId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function report(error: unknown): void {
  const reportError = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (reportError) reportError(error);
  else console.error(error);
}
