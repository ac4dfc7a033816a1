/**
 * A `Worker` stand-in for Node unit tests of the main thread's worker handling: the "worker side" is an object
 * exposed with Comlink on the other end of a `MessageChannel`, and the test raises the events a real worker does
 * (`error` when its script does not load, an `ErrorEvent` when it throws). Node has no `ErrorEvent`;
 * {@link ensureErrorEvent} installs a minimal one.
 */
import { expose } from 'comlink';

/** What the fake worker answers: any methods, called through Comlink as the pipeline's would be. */
export type FakeWorkerApi = Record<string, (...args: never[]) => unknown>;

export class FakeWorker extends EventTarget {
  /** How many times `terminate()` was called. */
  terminated = 0;
  private readonly port: MessagePort;
  private readonly workerSide: MessagePort;

  constructor(api: FakeWorkerApi) {
    super();
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.workerSide = channel.port2;
    expose(api, this.workerSide);
  }

  postMessage(message: unknown, transfer?: Transferable[]): void {
    this.port.postMessage(message, transfer ?? []);
  }

  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: AddEventListenerOptions | boolean): void {
    // Comlink listens for `message` on the endpoint; the test raises `error`/`messageerror` on the worker itself.
    if (type !== 'message') super.addEventListener(type, listener, options);
    else if (listener) this.port.addEventListener('message', listener, options);
  }

  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: EventListenerOptions | boolean): void {
    if (type !== 'message') super.removeEventListener(type, listener, options);
    else if (listener) this.port.removeEventListener('message', listener, options);
  }

  terminate(): void {
    this.terminated++;
    this.port.close();
    this.workerSide.close();
  }

  /** The worker's script did not load (a 404, a CSP refusal): a plain `error` event. */
  failToLoad(): void {
    this.dispatchEvent(new Event('error'));
  }

  /** The worker threw (an uncaught error, a wasm trap): an `ErrorEvent` with its message. */
  throwUncaught(message: string): void {
    this.dispatchEvent(new ErrorEvent('error', { message }));
  }
}

/** Installs a minimal `ErrorEvent` where the runtime has none (Node). */
export function ensureErrorEvent(): void {
  if (typeof globalThis.ErrorEvent === 'function') return;
  class NodeErrorEvent extends Event {
    readonly message: string;
    constructor(type: string, init?: { message?: string }) {
      super(type);
      this.message = init?.message ?? '';
    }
  }
  (globalThis as { ErrorEvent?: unknown }).ErrorEvent = NodeErrorEvent;
}
