/**
 * Which platform interface an object implements, asked the way WebIDL itself checks it: by calling one of the
 * interface's own getters on it. `instanceof` answers `false` for a Blob, a canvas or an `AbortSignal` made in
 * another realm (a same-origin iframe, a popup), which every platform API accepts; a getter accepts them too, and
 * still refuses what only poses as one (a proxy, `Object.create(Blob.prototype)`, a faked `Symbol.toStringTag`).
 */

/** A getter of each interface that any real instance answers without throwing. */
const BRAND_GETTERS = {
  Blob: 'size',
  ArrayBuffer: 'byteLength',
  SharedArrayBuffer: 'byteLength',
  ImageBitmap: 'width',
  ImageData: 'data',
  HTMLImageElement: 'naturalWidth',
  HTMLCanvasElement: 'width',
  HTMLVideoElement: 'videoWidth',
  OffscreenCanvas: 'width',
  VideoFrame: 'timestamp',
  SVGImageElement: 'width',
  AbortSignal: 'aborted',
  MediaStream: 'active',
  MediaStreamTrack: 'kind',
  URL: 'href',
} as const;

/** The interfaces {@link isPlatform} knows. */
export type PlatformInterface = keyof typeof BRAND_GETTERS;

/** True when `value` is a real `name` from any realm; false where this global scope has no such interface. */
export function isPlatform(value: unknown, name: PlatformInterface): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const constructor = (globalThis as Record<string, unknown>)[name];
  const prototype = typeof constructor === 'function' ? (constructor as { prototype?: object }).prototype : undefined;
  const get = prototype && Object.getOwnPropertyDescriptor(prototype, BRAND_GETTERS[name])?.get;
  if (!get) return false;
  try {
    get.call(value);
    return true;
  } catch {
    return false;
  }
}
