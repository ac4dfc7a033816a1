/**
 * Test-page module of the browser fuzzer (`test/browser/fuzz.test.ts`): a case arrives as a plain, serialisable
 * recipe; this module builds the real values it names (mutated image bytes in some delivery, hostile objects,
 * option objects, abort signals), makes the calls on the detector — concurrently, with the aborts and the dispose
 * at their times — and reports how each call settled. The contract is checked in Node, on the report.
 */
import type { Detector, DetectorOptions, EmoLensError } from '@emolens/core';
import { mutate, type Mutation } from '../../fixtures/mutate.ts';

/** How image bytes reach the SDK. */
export type Delivery =
  | 'blob' | 'typed-blob' | 'file' | 'frozen-blob' | 'array-buffer' | 'resizable-array-buffer' | 'uint8array'
  | 'view-in-larger-buffer' | 'dataview' | 'int16array' | 'base64' | 'base64-url-safe' | 'base64-wrapped'
  | 'data-url' | 'percent-data-url' | 'blob-url' | 'source-url' | 'image-bitmap' | 'image-data' | 'canvas'
  | 'offscreen-canvas' | 'img' | 'video-frame';

/** Values that are not images, or images a hostile or careless caller made. */
export type OddValue =
  | 'throwing-getters' | 'throwing-proxy' | 'proxy-of-blob' | 'thenable' | 'fake-image-data' | 'image-data-like'
  | 'huge-numbers' | 'fake-canvas' | 'blob-with-throwing-slice' | 'symbol' | 'bigint' | 'function' | 'number'
  | 'array-of-bytes' | 'date' | 'map' | 'promise-of-blob' | 'string-object' | 'undefined' | 'null' | 'huge-canvas'
  | 'zero-canvas' | 'one-pixel-image-data' | 'img-without-src' | 'img-of-html' | 'video-without-data' | 'svg-element'
  | 'detached-array-buffer' | 'detached-view' | 'closed-bitmap' | 'closed-video-frame' | 'revoked-blob-url'
  | 'long-string' | 'whitespace-string' | 'url-404' | 'url-of-html' | 'javascript-url' | 'data-url-without-comma'
  | 'revoked-proxy';

export type InputRecipe =
  | { kind: 'bytes'; source: number; mutations: Mutation[]; delivery: Delivery }
  | { kind: 'odd'; value: OddValue };

/** A value an option is set to: JSON-like (NaN, ±Infinity and undefined survive the trip), or built here. */
export type OptionValue =
  | { json: unknown; valid: boolean }
  | { hostile: 'throwing-getter' | 'symbol' | 'bigint' | 'function' | 'throwing-value-of' | 'boxed-number' | 'date' | 'proxy' };

export type OptionsRecipe =
  | { shape: 'absent' }
  | { shape: 'non-object'; value: 'null' | 'array' | 'number' | 'string' | 'function' }
  | {
      shape: 'object';
      /** `inherited`: the entries on the prototype; `throwing-proxy`: every trap throws; `revoked-proxy`: a revoked one. */
      wrap: 'plain' | 'frozen' | 'null-prototype' | 'inherited' | 'proxy' | 'throwing-proxy' | 'revoked-proxy';
      entries: { key: string; value: OptionValue }[];
    };

/** How the call is stopped early: a signal aborted before the call, after `ms`, and odd signals. */
export type AbortRecipe =
  | { when: 'never' }
  | { when: 'before' }
  | { when: 'after'; ms: number }
  /** `AbortSignal.timeout(ms)`. */
  | { when: 'signal-timeout'; ms: number }
  /** `AbortSignal.any([a, b])`, one of them aborted after `ms`. */
  | { when: 'any'; ms: number }
  /** An object that looks like a signal but is not one. */
  | { when: 'fake-signal' };

export interface CallRecipe {
  method: 'detect' | 'profile' | 'analyze-face' | 'warmup';
  input: InputRecipe;
  /** `detect`/`profile` options; for `analyze-face`, the WIA request's `options` (snake_case keys). */
  options: OptionsRecipe;
  abort: AbortRecipe;
  /** `analyze-face`: how the request body itself is made (a plain object by default). */
  body?: 'throwing-proxy' | 'revoked-proxy' | 'throwing-getter';
  /** Started this long after the case's first call. */
  startAfterMs: number;
}

export interface CaseRecipe {
  calls: CallRecipe[];
  /** Dispose the detector this long after the first call (the next case gets a fresh one). */
  disposeAfterMs?: number;
  /** Run the calls on a detector of their own, created with these options (and disposed after the case). */
  detector?: Pick<DetectorOptions, 'maxPixels' | 'maxFaces' | 'timeoutMs' | 'minDetectionConfidence'>;
}

/** How one call settled, as the fuzzer in Node checks it. */
export interface CallReport {
  /** What reached the SDK (a delivery falls back to a Blob where the bytes do not decode). */
  delivered: string;
  /** The guard's deadline for this call, in ms (the call's deadline plus slack). */
  guardMs: number;
  /** The deadline the call was given (`Infinity`: none). */
  deadlineMs: number;
  /** From the call to its settling. */
  ms: number;
  outcome:
    | { settled: 'result'; result: unknown }
    | { settled: 'error'; error: ErrorReport }
    | { settled: 'hang' };
  /** The displayed size of the image the SDK was given, where the page could decode it. */
  image?: { width: number; height: number };
}

export interface ErrorReport {
  /** `isEmoLensError(e)` and `e instanceof EmoLensError` of the page's SDK. */
  typed: boolean;
  name: string;
  message: string;
  code: unknown;
  kind: unknown;
  field: unknown;
  /** `JSON.parse(JSON.stringify(e))`, or the reason it could not be serialised. */
  body: unknown;
  serialisable: true | string;
}

export interface CaseReport {
  calls: CallReport[];
  /** Faces found by a valid call (the face photo) after the case, or its error. */
  next: { faces: number } | { error: string };
  /** Uncaught errors and unhandled rejections in the page since the last case. */
  pageErrors: string[];
  /** `onError` reports (worker crashes) since the last case. */
  crashes: string[];
}

export interface FuzzSetup {
  /** The source images (URLs on the test server) and how many faces each has. */
  sources: { url: string; faces: number }[];
  /** A face photo for the valid call after each case. */
  faceUrl: string;
}

/** Slack on top of a call's deadline before the guard calls it a hang (two slow cores, a worker restart). */
const GUARD_SLACK_MS = 10_000;
/** A call with no usable deadline of its own is guarded at the detector's default. */
const DEFAULT_DEADLINE_MS = 30_000;

interface State {
  sources: Uint8Array[];
  sourceUrls: string[];
  face: Blob;
  detector: Detector;
  pageErrors: string[];
  crashes: string[];
  /** Main-thread long tasks seen, and when each case's calls ran (to tell the SDK's tasks from the harness's). */
  tasks: { start: number; duration: number }[];
  windows: { start: number; end: number; label: string }[];
  /** Long animation frames, with the scripts that ran in them (what made a long task long). */
  frames: { start: number; end: number; scripts: string[] }[];
}
let state: State | undefined;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const emolens = () => window.emolens;

function createDetector(extra: DetectorOptions = {}): Promise<Detector> {
  return emolens().createDetector({ backend: 'wasm', ...extra, onError: (e) => state?.crashes.push(`${e.code}: ${e.message} ${JSON.stringify(e.details)}`) });
}

/** Loads the sources, starts the detector and the long-task observer. Call once per page. */
export async function install(setup: FuzzSetup): Promise<void> {
  const bytes = async (url: string) => new Uint8Array(await (await fetch(url)).arrayBuffer());
  const sources = await Promise.all(setup.sources.map((s) => bytes(s.url)));
  const face = new Blob([await bytes(setup.faceUrl)]);
  state = { sources, sourceUrls: setup.sources.map((s) => s.url), face, detector: undefined as unknown as Detector, pageErrors: [], crashes: [], tasks: [], windows: [], frames: [] };
  const s = state;
  s.detector = await createDetector();
  window.addEventListener('error', (e) => s.pageErrors.push(`error: ${e.message}`));
  window.addEventListener('unhandledrejection', (e) => s.pageErrors.push(`unhandledrejection: ${String((e.reason as Error)?.stack ?? e.reason)}`));
  new PerformanceObserver((list) => list.getEntries().forEach((e) => s.tasks.push({ start: e.startTime, duration: e.duration }))).observe({ type: 'longtask', buffered: true });
  if (PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) {
    new PerformanceObserver((list) => list.getEntries().forEach((e) => s.frames.push({ start: e.startTime, end: e.startTime + e.duration, scripts: frameScripts(e) }))).observe({ type: 'long-animation-frame', buffered: true });
  }
}

/** The scripts of a long animation frame, longest first: `function (file:position) ms`. */
function frameScripts(frame: PerformanceEntry): string[] {
  type Script = { duration: number; invoker: string; sourceURL: string; sourceFunctionName: string; sourceCharPosition: number };
  const scripts = ((frame as unknown as { scripts?: Script[] }).scripts ?? []).filter((x) => x.duration >= 5);
  return scripts
    .sort((a, b) => b.duration - a.duration)
    .slice(0, 3)
    .map((x) => `${x.sourceFunctionName || x.invoker} (${x.sourceURL.split('/').pop()?.split('?')[0] ?? ''}:${x.sourceCharPosition}) ${Math.round(x.duration)} ms`);
}

/** The main-thread long tasks of the run so far, and how long a deliberate 80 ms block was seen to take. */
export interface LongTasks {
  /** The longest task, and the longest while a case's calls (and the valid call after them) ran. */
  longest: number;
  longestInCalls: number;
  /**
   * The five longest, each with the case it ran in (`harness`: between the calls, building inputs; `setup`) and
   * the scripts that ran in it (none listed: the task was long with no script of 5 ms, e.g. a starved CPU).
   */
  top: { ms: number; during: string; scripts: string[] }[];
  /** The 80 ms block: it must be seen, or the figures above mean nothing. */
  calibration: number;
}

export async function longestTasks(): Promise<LongTasks> {
  const s = state!;
  await sleep(100);
  const during = (t: { start: number; duration: number }) => s.windows.find((w) => t.start < w.end && t.start + t.duration > w.start)?.label;
  const sorted = [...s.tasks].sort((a, b) => b.duration - a.duration);
  const longest = sorted[0]?.duration ?? 0;
  const longestInCalls = sorted.find((t) => during(t) !== undefined)?.duration ?? 0;
  const outside = (t: { start: number }) => (t.start < (s.windows[0]?.start ?? Infinity) ? 'setup' : 'harness');
  const scripts = (t: { start: number; duration: number }) => s.frames.find((f) => t.start < f.end && t.start + t.duration > f.start)?.scripts ?? [];
  const top = sorted.slice(0, 5).map((t) => ({ ms: Math.round(t.duration), during: during(t) ?? outside(t), scripts: scripts(t) }));
  const count = s.tasks.length;
  const end = performance.now() + 80;
  while (performance.now() < end);
  await sleep(100);
  return { longest, longestInCalls, top, calibration: Math.max(0, ...s.tasks.slice(count).map((t) => t.duration)) };
}

function label(recipe: CaseRecipe): string {
  const input = (c: CallRecipe) => (c.input.kind === 'odd' ? c.input.value : `${c.input.delivery}${c.input.mutations.length > 0 ? ', mutated' : ''}`);
  return [...recipe.calls.map((c) => `${c.method}(${input(c)})`), ...(recipe.disposeAfterMs === undefined ? [] : ['dispose']), ...(recipe.detector ? ['own detector'] : [])].join(' ');
}

/** Runs one case and reports how each call settled, then whether a valid call still works. */
export async function runCase(recipe: CaseRecipe): Promise<CaseReport> {
  const s = state!;
  const detector = recipe.detector ? await createDetector(recipe.detector) : s.detector;
  const detectorDeadline = recipe.detector?.timeoutMs ?? DEFAULT_DEADLINE_MS;
  const prepared = await Promise.all(recipe.calls.map((call) => prepareCall(call, detector)));
  await sleep(0); // the SDK's work starts in a task of its own, apart from the harness's
  const start = performance.now();
  const timers: ReturnType<typeof setTimeout>[] = [];
  if (recipe.disposeAfterMs !== undefined) timers.push(setTimeout(() => detector.dispose(), recipe.disposeAfterMs));
  const reports = await Promise.all(
    prepared.map(async (p, i) => {
      const call = recipe.calls[i]!;
      await sleep(call.startAfterMs);
      p.arm(timers);
      const deadlineMs = callDeadline(call, detectorDeadline);
      const guardMs = Math.min(deadlineMs, DEFAULT_DEADLINE_MS) + GUARD_SLACK_MS;
      const t0 = performance.now();
      let outcome: CallReport['outcome'];
      try {
        const guard = sleep(guardMs).then(() => 'hang' as const);
        const settled = await Promise.race([p.run().then((value) => ({ value })), guard]);
        outcome = settled === 'hang' ? { settled: 'hang' } : { settled: 'result', result: settled.value };
      } catch (e) {
        outcome = { settled: 'error', error: errorReport(e) };
      }
      const ms = performance.now() - t0;
      const image = outcome.settled === 'result' ? await p.size() : undefined;
      p.cleanup();
      return { delivered: p.delivered, guardMs, deadlineMs, ms, outcome, ...(image ? { image } : {}) };
    }),
  );
  timers.forEach(clearTimeout);
  if (recipe.detector) detector.dispose();
  else if (recipe.disposeAfterMs !== undefined) {
    s.detector.dispose(); // in case the timer did not fire before the calls settled
    s.detector = await createDetector();
  }
  let next: CaseReport['next'];
  try {
    next = { faces: (await s.detector.detect(s.face)).faces.length };
  } catch (e) {
    next = { error: `${(e as EmoLensError).code}: ${(e as Error).message}` };
  }
  s.windows.push({ start, end: performance.now(), label: label(recipe) });
  await sleep(0); // unhandled rejections are reported after a task
  const report = { calls: reports, next, pageErrors: s.pageErrors.splice(0), crashes: s.crashes.splice(0) };
  return report;
}

/** The deadline a call was given: its own valid `timeoutMs`, else the detector's. */
function callDeadline(call: CallRecipe, detectorDeadline: number): number {
  if (call.options.shape !== 'object' || call.method === 'analyze-face') return detectorDeadline;
  const entry = call.options.entries.filter((e) => e.key === 'timeoutMs').at(-1);
  const value = entry && 'json' in entry.value ? entry.value.json : undefined;
  return typeof value === 'number' && value > 0 ? value : detectorDeadline;
}

interface PreparedCall {
  delivered: string;
  /** Starts the abort timers of the call. */
  arm(timers: ReturnType<typeof setTimeout>[]): void;
  run(): Promise<unknown>;
  /** The displayed size of the image given, if the page can decode it. */
  size(): Promise<{ width: number; height: number } | undefined>;
  cleanup(): void;
}

async function prepareCall(call: CallRecipe, detector: Detector): Promise<PreparedCall> {
  const built = await buildInput(call.input);
  const { signal, arm } = buildSignal(call.abort);
  const cleanup = () => built.cleanup?.();
  if (call.method === 'warmup') return { delivered: 'none', arm, run: () => detector.warmup(), size: async () => undefined, cleanup };
  if (call.method === 'analyze-face') {
    const body = wiaBody(built, call.options, call.body); // not awaited: a proxy body would be asked for `then`
    const second = signal === undefined ? undefined : { signal: signal as AbortSignal };
    return { delivered: `wia:${built.delivered}`, arm, run: () => detector.analyzeFace(body, second), size: built.size, cleanup };
  }
  const options = buildOptions(call.options, signal);
  const method = call.method === 'profile' ? (i: unknown, o: unknown) => detector.profile(i as never, o as never).then((r) => r.result) : (i: unknown, o: unknown) => detector.detect(i as never, o as never);
  return {
    delivered: built.delivered,
    arm,
    run: () => (options === ABSENT ? method(built.value, undefined) : method(built.value, options)),
    size: built.size,
    cleanup,
  };
}

interface BuiltInput {
  value: unknown;
  delivered: string;
  /** The bytes behind the value, for a WIA body and for the size check. */
  bytes?: Uint8Array<ArrayBuffer>;
  size(): Promise<{ width: number; height: number } | undefined>;
  cleanup?: () => void;
}

async function buildInput(input: InputRecipe): Promise<BuiltInput> {
  if (input.kind === 'odd') return buildOdd(input.value);
  const s = state!;
  const bytes = mutate(s.sources[input.source % s.sources.length]!, input.mutations);
  const blob = new Blob([bytes]);
  const size = () => displayedSize(blob);
  const made = (value: unknown, delivered: string = input.delivery, cleanup?: () => void): BuiltInput => ({ value, delivered, bytes, size, ...(cleanup ? { cleanup } : {}) });
  switch (input.delivery) {
    case 'blob':
      return made(blob);
    case 'typed-blob':
      return made(new Blob([bytes], { type: 'image/png' }));
    case 'file':
      return made(new File([bytes], 'photo.jpg', { type: 'image/jpeg' }));
    case 'frozen-blob':
      return made(Object.freeze(new Blob([bytes])));
    case 'array-buffer':
      return made(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    case 'resizable-array-buffer': {
      const Resizable = ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ArrayBuffer;
      const buffer = new Resizable(bytes.byteLength, { maxByteLength: bytes.byteLength * 2 + 16 });
      new Uint8Array(buffer).set(bytes);
      return made(buffer);
    }
    case 'uint8array':
      return made(bytes.slice());
    case 'view-in-larger-buffer': {
      const larger = new Uint8Array(bytes.length + 64).fill(0xee);
      larger.set(bytes, 32);
      return made(larger.subarray(32, 32 + bytes.length));
    }
    case 'dataview':
      return made(new DataView(bytes.slice().buffer));
    case 'int16array': {
      const even = new Uint8Array(bytes.length + (bytes.length % 2));
      even.set(bytes);
      return made(new Int16Array(even.buffer), 'int16array (padded to an even length)');
    }
    case 'base64':
      return made(toBase64(bytes));
    case 'base64-url-safe':
      return made(toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
    case 'base64-wrapped':
      return made(toBase64(bytes).replace(/.{76}/g, '$&\n'));
    case 'data-url':
      return made(`data:image/jpeg;base64,${toBase64(bytes)}`);
    case 'percent-data-url':
      return made(`data:image/png,${percentEncoded(bytes)}`);
    case 'blob-url': {
      const url = URL.createObjectURL(blob);
      return made(url, 'blob-url', () => URL.revokeObjectURL(url));
    }
    case 'source-url':
      if (input.mutations.length === 0) return made(s.sourceUrls[input.source % s.sources.length]!);
      break;
    default:
      break;
  }
  // Decoded deliveries: the page decodes the bytes first; bytes it cannot decode go as a Blob.
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch {
    if (input.delivery === 'img') return made(await brokenImg(blob), 'img (broken)');
    return made(blob, `blob (not decodable as ${input.delivery})`);
  }
  const known = async () => ({ width: bitmap.width, height: bitmap.height });
  const decoded = (value: unknown, cleanup?: () => void): BuiltInput => ({ value, delivered: input.delivery, bytes, size: known, cleanup: () => { cleanup?.(); bitmap.close(); } });
  const canvasOf = () => {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
    return canvas;
  };
  switch (input.delivery) {
    case 'image-bitmap':
      return decoded(bitmap);
    case 'image-data':
      return decoded(canvasOf().getContext('2d')!.getImageData(0, 0, bitmap.width, bitmap.height));
    case 'offscreen-canvas':
      return decoded(canvasOf());
    case 'canvas': {
      const canvas = document.createElement('canvas');
      Object.assign(canvas, { width: bitmap.width, height: bitmap.height });
      canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
      return decoded(canvas);
    }
    case 'video-frame': {
      let frame: VideoFrame;
      try {
        frame = new VideoFrame(bitmap, { timestamp: 0 });
      } catch {
        // The browser makes no VideoFrame of some bitmaps (a JPEG whose header claims a width of 32,768 decodes
        // lazily to one): an app could not hand this one over either, so the bitmap goes as it is.
        return { ...decoded(bitmap), delivered: 'image-bitmap (no VideoFrame of it)' };
      }
      return decoded(frame, () => frame.close());
    }
    case 'img': {
      const url = URL.createObjectURL(blob);
      const img = new Image();
      img.src = url;
      await img.decode().catch(() => undefined);
      return { value: img, delivered: 'img', bytes, size: async () => (img.naturalWidth ? { width: img.naturalWidth, height: img.naturalHeight } : undefined), cleanup: () => { URL.revokeObjectURL(url); bitmap.close(); } };
    }
    default:
      return decoded(blob);
  }
}

async function brokenImg(blob: Blob): Promise<HTMLImageElement> {
  const img = new Image();
  img.src = URL.createObjectURL(blob);
  await img.decode().catch(() => undefined);
  URL.revokeObjectURL(img.src);
  return img;
}

async function displayedSize(blob: Blob): Promise<{ width: number; height: number } | undefined> {
  try {
    const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size;
  } catch {
    return undefined;
  }
}

/** Every byte as `%xx`, but lower-case letters as they are (a data URL body may mix both). */
function percentEncoded(bytes: Uint8Array): string {
  const hex = Array.from({ length: 256 }, (_, b) => (b >= 0x61 && b <= 0x7a ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`));
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 0x8000) parts.push(Array.from(bytes.subarray(i, i + 0x8000), (b) => hex[b]!).join(''));
  return parts.join('');
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const thrower = (what: string) => () => {
  throw new Error(`hostile ${what}`);
};

async function buildOdd(value: OddValue): Promise<BuiltInput> {
  const s = state!;
  const none = async () => undefined;
  const made = (v: unknown, cleanup?: () => void): BuiltInput => ({ value: v, delivered: value, size: none, ...(cleanup ? { cleanup } : {}) });
  const faceBytes = s.sources[0]!;
  const blob = new Blob([faceBytes as Uint8Array<ArrayBuffer>]);
  const everyTrap = Object.fromEntries(['get', 'has', 'ownKeys', 'getPrototypeOf', 'getOwnPropertyDescriptor', 'set', 'defineProperty', 'deleteProperty', 'apply', 'construct', 'isExtensible', 'preventExtensions', 'setPrototypeOf'].map((t) => [t, thrower(`${t} trap`)]));
  switch (value) {
    case 'throwing-getters': {
      const o = {};
      for (const key of ['width', 'height', 'data', 'size', 'type', 'naturalWidth', 'naturalHeight', 'videoWidth', 'displayWidth', 'byteLength', 'buffer', 'then', 'readyState', 'complete']) {
        Object.defineProperty(o, key, { get: thrower(`${key} getter`), enumerable: true });
      }
      return made(o);
    }
    case 'throwing-proxy':
      return made(new Proxy({}, everyTrap));
    case 'proxy-of-blob':
      return made(new Proxy(blob, {}));
    case 'thenable':
      return made({ then: (resolve: (v: unknown) => void) => resolve(blob) });
    case 'fake-image-data':
      return made(Object.create(ImageData.prototype, { width: { value: 4 }, height: { value: 4 }, data: { value: new Uint8ClampedArray(7) } }));
    case 'image-data-like':
      return made({ width: 2, height: 2, data: new Uint8ClampedArray(3), colorSpace: 'srgb' });
    case 'huge-numbers':
      return made({ width: 1e308, height: Infinity, naturalWidth: Number.MAX_VALUE, byteLength: 2 ** 53, size: -1 });
    case 'fake-canvas':
      return made(Object.create(HTMLCanvasElement.prototype));
    case 'blob-with-throwing-slice': {
      class HostileBlob extends Blob {
        override slice(): Blob {
          throw new Error('hostile slice');
        }
        override arrayBuffer(): Promise<ArrayBuffer> {
          throw new Error('hostile arrayBuffer');
        }
      }
      return made(new HostileBlob([faceBytes as Uint8Array<ArrayBuffer>]));
    }
    case 'symbol':
      return made(Symbol('image'));
    case 'bigint':
      return made(10n ** 30n);
    case 'function':
      return made(() => blob);
    case 'number':
      return made(Number.NaN);
    case 'array-of-bytes':
      return made(Array.from(faceBytes.subarray(0, 512)));
    case 'date':
      return made(new Date(0));
    case 'map':
      return made(new Map([['image', blob]]));
    case 'promise-of-blob':
      return made(Promise.resolve(blob));
    case 'string-object':
      return made(new String(toBase64(faceBytes)));
    case 'undefined':
      return made(undefined);
    case 'null':
      return made(null);
    case 'huge-canvas': {
      const canvas = document.createElement('canvas');
      Object.assign(canvas, { width: 9000, height: 6000 });
      return made(canvas);
    }
    case 'zero-canvas': {
      const canvas = document.createElement('canvas');
      Object.assign(canvas, { width: 0, height: 0 });
      return made(canvas);
    }
    case 'one-pixel-image-data':
      return { value: new ImageData(1, 1), delivered: value, size: async () => ({ width: 1, height: 1 }) };
    case 'img-without-src':
      return made(new Image());
    case 'img-of-html': {
      const img = new Image();
      img.src = '/index.html';
      await img.decode().catch(() => undefined);
      return made(img);
    }
    case 'video-without-data':
      return made(document.createElement('video'));
    case 'svg-element':
      return made(document.createElementNS('http://www.w3.org/2000/svg', 'svg'));
    case 'detached-array-buffer': {
      const buffer = faceBytes.slice().buffer;
      structuredClone(buffer, { transfer: [buffer] });
      return made(buffer);
    }
    case 'detached-view': {
      const view = faceBytes.slice();
      structuredClone(view.buffer, { transfer: [view.buffer] });
      return made(view);
    }
    case 'closed-bitmap': {
      const bitmap = await createImageBitmap(blob);
      bitmap.close();
      return made(bitmap);
    }
    case 'closed-video-frame': {
      const bitmap = await createImageBitmap(blob);
      const frame = new VideoFrame(bitmap, { timestamp: 0 });
      bitmap.close();
      frame.close();
      return made(frame);
    }
    case 'revoked-blob-url': {
      const url = URL.createObjectURL(blob);
      URL.revokeObjectURL(url);
      return made(url);
    }
    case 'long-string':
      return made('A'.repeat(1 << 20));
    case 'whitespace-string':
      return made(' \n\t ');
    case 'url-404':
      return made(`${location.origin}/no-such-image-${Math.random().toString(36).slice(2)}.jpg`);
    case 'url-of-html':
      return made('/index.html');
    case 'javascript-url':
      return made('javascript:void(0)');
    case 'data-url-without-comma':
      return made('data:image/png;base64');
    case 'revoked-proxy':
      return made(revoked());
  }
}

const ABSENT = Symbol('absent');

function buildValue(value: OptionValue): unknown {
  if ('json' in value) return value.json;
  switch (value.hostile) {
    case 'symbol':
      return Symbol('option');
    case 'bigint':
      return 5n;
    case 'function':
      return () => 5;
    case 'throwing-value-of':
      return { valueOf: thrower('valueOf'), toString: thrower('toString'), [Symbol.toPrimitive]: thrower('toPrimitive') };
    case 'boxed-number':
      return new Number(5);
    case 'date':
      return new Date(5);
    case 'proxy':
      return new Proxy({}, { get: thrower('option get trap'), getPrototypeOf: thrower('option getPrototypeOf trap') });
    case 'throwing-getter':
      return undefined; // made a getter by buildOptions
  }
}

function buildOptions(recipe: OptionsRecipe, signal: unknown): unknown {
  if (recipe.shape === 'absent') return signal === undefined ? ABSENT : { signal };
  if (recipe.shape === 'non-object') return { null: null, array: [signal], number: 5, string: 'maxFaces=1', function: () => ({ signal }) }[recipe.value];
  const plain: Record<string, unknown> = {};
  for (const { key, value } of recipe.entries) {
    if ('hostile' in value && value.hostile === 'throwing-getter') Object.defineProperty(plain, key, { get: thrower(`${key} getter`), enumerable: true, configurable: true });
    else Object.defineProperty(plain, key, { value: buildValue(value), enumerable: true, configurable: true, writable: true });
  }
  if (signal !== undefined && !recipe.entries.some((e) => e.key === 'signal')) plain['signal'] = signal;
  switch (recipe.wrap) {
    case 'plain':
      return plain;
    case 'frozen':
      return Object.freeze(plain);
    case 'null-prototype':
      return Object.defineProperties(Object.create(null), Object.getOwnPropertyDescriptors(plain));
    case 'inherited':
      return Object.create(plain);
    case 'proxy':
      return new Proxy(plain, {});
    case 'throwing-proxy':
      return new Proxy(plain, { get: thrower('options get trap'), has: thrower('options has trap'), ownKeys: thrower('options ownKeys trap'), getPrototypeOf: thrower('options getPrototypeOf trap') });
    case 'revoked-proxy':
      return revoked();
  }
}

/** A revoked proxy: every operation on it throws, even `Array.isArray`. */
function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

function wiaBody(built: BuiltInput, options: OptionsRecipe, wrap: CallRecipe['body']): unknown {
  const image = built.bytes
    ? built.delivered === 'blob-url' || built.delivered === 'source-url'
      ? { image_url: new URL(built.value as string, location.href).href }
      : { image_base64: built.delivered === 'data-url' ? (built.value as string) : toBase64(built.bytes) }
    : { image_base64: built.value };
  const wiaOptions = buildOptions(options, undefined);
  const body = wiaOptions === ABSENT ? image : { ...image, options: wiaOptions };
  if (wrap === 'throwing-proxy') return new Proxy(body, { get: thrower('body get trap'), ownKeys: thrower('body ownKeys trap') });
  if (wrap === 'revoked-proxy') return revoked();
  if (wrap === 'throwing-getter') return Object.defineProperty(body, 'options', { get: thrower('options getter'), enumerable: true });
  return body;
}

function buildSignal(recipe: AbortRecipe): { signal: unknown; arm(timers: ReturnType<typeof setTimeout>[]): void } {
  const controller = new AbortController();
  const none = () => undefined;
  switch (recipe.when) {
    case 'never':
      return { signal: undefined, arm: none };
    case 'before':
      controller.abort(new Error('aborted by the fuzzer'));
      return { signal: controller.signal, arm: none };
    case 'after':
      return { signal: controller.signal, arm: (timers) => void timers.push(setTimeout(() => controller.abort(), recipe.ms)) };
    case 'signal-timeout':
      return { signal: AbortSignal.timeout(recipe.ms), arm: none };
    case 'any':
      return { signal: AbortSignal.any([new AbortController().signal, controller.signal]), arm: (timers) => void timers.push(setTimeout(() => controller.abort('any'), recipe.ms)) };
    case 'fake-signal':
      return { signal: { aborted: false, reason: undefined, addEventListener: none, removeEventListener: none, throwIfAborted: none }, arm: none };
  }
}

function errorReport(e: unknown): ErrorReport {
  const error = e as EmoLensError;
  let body: unknown;
  let serialisable: true | string = true;
  try {
    body = JSON.parse(JSON.stringify(error));
  } catch (cause) {
    serialisable = String(cause);
  }
  const details = (error as { details?: Record<string, unknown> } | null)?.details;
  const safe = (v: unknown) => (typeof v === 'string' || typeof v === 'number' || v === undefined ? v : String(v));
  return {
    typed: emolens().isEmoLensError(e) && e instanceof emolens().EmoLensError,
    name: String((error as { name?: unknown } | null)?.name),
    message: String((error as { message?: unknown } | null)?.message ?? e),
    code: safe((error as { code?: unknown } | null)?.code),
    kind: safe(details?.['kind']),
    field: safe(details?.['field']),
    body,
    serialisable,
  };
}
