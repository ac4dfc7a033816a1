import { describe, expect, it } from 'vitest';
import { EmoLensError, parseWiaFaceRequest, WIA_VIDEO_REQUEST_DEFAULTS } from '@emolens/schema';
import { DEFAULT_CLASSIFIER } from './assets/registry.js';
import {
  callSignal,
  callTimeout,
  DEFAULT_FRAME_RATE,
  DEFAULT_START_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_PIXELS,
  DEFAULT_MIN_DETECTION_CONFIDENCE,
  detectOptionsFromWia,
  resolveDetectOptions,
  requestSignal,
  resolveCallOptions,
  resolveDetectorOptions,
  resolveStreamOptions,
  resolveTrackingOptions,
  resolveVideoOptions,
  SIGNAL_DEFAULTS,
  TRACKING_DEFAULTS,
  type DetectOptions,
  type DetectorOptions,
  type StreamOptions,
  type TrackingOptions,
  type VideoOptions,
} from './options.js';

/** A stream's options resolved as `detector.stream()` resolves them. */
function resolveTrackingAndStream(options: Record<string, unknown>): unknown {
  return resolveStreamOptions(options as StreamOptions, 5, 30_000);
}

/** The `details.field` of the INVALID_REQUEST that `run` throws (fails if it throws anything else). */
function rejectedField(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(EmoLensError);
    expect((error as EmoLensError).code).toBe('INVALID_REQUEST');
    return (error as EmoLensError).details.field;
  }
  throw new Error('expected INVALID_REQUEST');
}

describe('resolveDetectorOptions', () => {
  it('fills in every default', () => {
    expect(resolveDetectorOptions({})).toEqual({
      classifier: DEFAULT_CLASSIFIER,
      backend: 'auto',
      threads: 'auto',
      baseUrl: undefined,
      cache: true,
      maxFaces: 5,
      minDetectionConfidence: DEFAULT_MIN_DETECTION_CONFIDENCE,
      inferenceWorker: true,
      maxPixels: DEFAULT_MAX_PIXELS,
      maxBytes: DEFAULT_MAX_BYTES,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      startTimeoutMs: DEFAULT_START_TIMEOUT_MS,
      extraAssetUrls: {},
    });
  });

  it.each<[string, DetectorOptions, Partial<ReturnType<typeof resolveDetectorOptions>>]>([
    ['classifier', { classifier: 'human-emotion' }, { classifier: 'human-emotion' }],
    ['backend', { backend: 'wasm' }, { backend: 'wasm' }],
    ['threads', { threads: 1 }, { threads: 1 }],
    ['cache', { cache: false }, { cache: false }],
    ['maxFaces', { maxFaces: 100 }, { maxFaces: 100 }],
    ['minDetectionConfidence (both ranges)', { minDetectionConfidence: 0.9 }, { minDetectionConfidence: { short: 0.9, full: 0.9 } }],
    ['classifierWorker', { classifierWorker: false }, { inferenceWorker: false }],
    ['maxPixels', { maxPixels: 1 }, { maxPixels: 1 }],
    ['maxBytes', { maxBytes: 1024 }, { maxBytes: 1024 }],
  ])('can set %s', (_, given, expected) => {
    expect(resolveDetectorOptions(given)).toMatchObject(expected);
  });

  it.each<[string, DetectorOptions]>([
    ['maxFaces', { maxFaces: 0 }],
    ['maxFaces', { maxFaces: 101 }],
    ['maxFaces', { maxFaces: 2.5 }],
    ['maxFaces', { maxFaces: Number.NaN }],
    ['threads', { threads: 0 }],
    ['threads', { threads: 17 }],
    ['threads', { threads: 'many' as unknown as number }],
    ['minDetectionConfidence', { minDetectionConfidence: 1.5 }],
    ['minDetectionConfidence', { minDetectionConfidence: -0.1 }],
    ['minDetectionConfidence', { minDetectionConfidence: Number.NaN }],
    ['maxPixels', { maxPixels: 0 }],
    ['maxPixels', { maxPixels: Infinity }],
    ['maxBytes', { maxBytes: 0 }],
    ['maxBytes', { maxBytes: '1MB' as unknown as number }],
    ['backend', { backend: 'webgl' as 'wasm' }],
    ['cache', { cache: 'yes' as unknown as boolean }],
    ['classifierWorker', { classifierWorker: 1 as unknown as boolean }],
    ['classifier', { classifier: 7 as unknown as string }],
    ['onProgress', { onProgress: 'nope' as unknown as () => void }],
    ['onError', { onError: {} as unknown as () => void }],
    ['worker', { worker: 'worker.js' as unknown as Worker }],
    ['baseUrl', { baseUrl: 'http://[' }],
    ['baseUrl', { baseUrl: 42 as unknown as string }],
    ['baseUrl', { baseUrl: 'javascript:alert(1)' }],
    ['baseUrl', { baseUrl: 'data:text/plain,x' }],
    ['baseUrl', { baseUrl: new URL('blob:https://example.com/0f4e') }],
  ])('rejects a bad %s with INVALID_REQUEST naming it (%j)', (field, given) => {
    expect(rejectedField(() => resolveDetectorOptions(given))).toBe(field);
  });
});

describe('the options object itself', () => {
  it('may be absent, and must otherwise be an object', () => {
    expect(resolveDetectorOptions(undefined).maxFaces).toBe(5);
    expect(resolveDetectOptions(undefined, 5).maxFaces).toBe(5);
    for (const bad of [null, 'fast', 3, []]) {
      expect(rejectedField(() => resolveDetectorOptions(bad as unknown as DetectorOptions))).toBe('options');
      expect(rejectedField(() => resolveDetectOptions(bad as unknown as DetectOptions, 5))).toBe('options');
      expect(rejectedField(() => callSignal(bad as unknown as DetectOptions))).toBe('options');
    }
  });

  it('takes an AbortSignal, and refuses anything posing as one', () => {
    const signal = new AbortController().signal;
    expect(callSignal({ signal })).toBe(signal);
    expect(callSignal({})).toBeUndefined();
    expect(rejectedField(() => resolveDetectOptions({ signal: { aborted: false } as AbortSignal }, 5))).toBe('signal');
  });

  it('takes a worker or a function making one, and an absolute or relative baseUrl', () => {
    expect(() => resolveDetectorOptions({ worker: () => ({}) as Worker, onProgress: () => undefined, baseUrl: new URL('https://cdn.example/assets/') })).not.toThrow();
    expect(() => resolveDetectorOptions({ worker: { postMessage: () => undefined } as unknown as Worker, baseUrl: 'https://example.com/a/' })).not.toThrow();
  });
});

describe('resolveDetectOptions', () => {
  it('fills in every default, maxFaces from the detector', () => {
    expect(resolveDetectOptions({}, 7)).toEqual({ ...SIGNAL_DEFAULTS, maxFaces: 7, minFaceSize: 0, faceRange: 'auto' });
  });

  it('takes a call\'s maxFaces above or below the detector\'s', () => {
    expect(resolveDetectOptions({ maxFaces: 50 }, 5).maxFaces).toBe(50);
    expect(resolveDetectOptions({ maxFaces: 2 }, 5).maxFaces).toBe(2);
  });

  it.each(Object.keys(SIGNAL_DEFAULTS) as (keyof typeof SIGNAL_DEFAULTS)[])('can switch the %s signal on and off', (option) => {
    expect(resolveDetectOptions({ [option]: true }, 5)[option]).toBe(true);
    expect(resolveDetectOptions({ [option]: false }, 5)[option]).toBe(false);
    expect(rejectedField(() => resolveDetectOptions({ [option]: 'yes' } as DetectOptions, 5))).toBe(option);
  });

  it.each<[string, DetectOptions]>([
    ['maxFaces', { maxFaces: 0 }],
    ['maxFaces', { maxFaces: 1.5 }],
    ['minFaceSize', { minFaceSize: -1 }],
    ['minFaceSize', { minFaceSize: Number.NaN }],
    ['faceRange', { faceRange: 'near' as 'short' }],
  ])('rejects a bad %s (%j)', (field, given) => {
    expect(rejectedField(() => resolveDetectOptions(given, 5))).toBe(field);
  });
});

describe('detectOptionsFromWia', () => {
  it('maps a WIA request through the same options, defaults included', () => {
    const { options } = parseWiaFaceRequest({ image_url: 'x.jpg' });
    expect(resolveDetectOptions(detectOptionsFromWia(options), 5)).toEqual(resolveDetectOptions({}, 5));
    const custom = parseWiaFaceRequest({ image_url: 'x.jpg', options: { max_faces: 2, min_face_size: 40, return_landmarks: true, return_dimensions: false } });
    expect(resolveDetectOptions(detectOptionsFromWia(custom.options), 5)).toMatchObject({ maxFaces: 2, minFaceSize: 40, returnLandmarks: true, returnDimensions: false, returnHeadPose: false });
  });
});

describe('optional modules (classifier, webgpu)', () => {
  const url = () => 'https://example.com/x.onnx';
  it('takes a classifier module for its id and asset URLs, and the WebGPU runtime for its URLs', () => {
    const resolved = resolveDetectorOptions({ classifier: { id: 'human-emotion', assetUrls: { 'human-emotion': url } }, webgpu: { backend: 'webgpu', assetUrls: { 'ort-wasm-webgpu': url } } });
    expect(resolved.classifier).toBe('human-emotion');
    expect(Object.keys(resolved.extraAssetUrls).sort()).toEqual(['human-emotion', 'ort-wasm-webgpu']);
  });

  it('refuses what is not such a module with INVALID_REQUEST naming the field, hostile getters included', () => {
    const hostile = Object.defineProperty({ id: 'x' }, 'assetUrls', { get: () => { throw new TypeError('trap'); } });
    for (const bad of [{}, { id: 'x' }, { id: 'x', assetUrls: { a: 'not a function' } }, { id: 3, assetUrls: {} }, 42, hostile]) {
      expect(rejectedField(() => resolveDetectorOptions({ classifier: bad as never }))).toBe('classifier');
    }
    for (const bad of [{}, { backend: 'wasm', assetUrls: {} }, 'webgpu', hostile]) {
      expect(rejectedField(() => resolveDetectorOptions({ webgpu: bad as never }))).toBe('webgpu');
    }
  });
});

describe('startTimeoutMs', () => {
  it('defaults to 2 minutes, takes Infinity, and refuses what is not a positive number', () => {
    expect(resolveDetectorOptions({}).startTimeoutMs).toBe(120_000);
    expect(resolveDetectorOptions({ startTimeoutMs: Infinity }).startTimeoutMs).toBe(Infinity);
    for (const bad of [0, -1, NaN, '5000']) {
      expect(rejectedField(() => resolveDetectorOptions({ startTimeoutMs: bad as number }))).toBe('startTimeoutMs');
    }
  });
});

describe('timeoutMs', () => {
  it('defaults to 30 s, takes Infinity, and a call overrides the detector', () => {
    expect(resolveDetectorOptions({}).timeoutMs).toBe(DEFAULT_TIMEOUT_MS);
    expect(DEFAULT_TIMEOUT_MS).toBe(30_000);
    expect(resolveDetectorOptions({ timeoutMs: Infinity }).timeoutMs).toBe(Infinity);
    expect(callTimeout({}, 5000)).toBe(5000);
    expect(callTimeout(undefined, 5000)).toBe(5000);
    expect(callTimeout({ timeoutMs: 10 }, 5000)).toBe(10);
    for (const bad of [0, -1, Number.NaN, '5s']) {
      expect(rejectedField(() => resolveDetectorOptions({ timeoutMs: bad as number }))).toBe('timeoutMs');
      expect(rejectedField(() => callTimeout({ timeoutMs: bad as number }, 5000))).toBe('timeoutMs');
    }
  });
});

describe('hostile option objects (found by the property tests)', () => {
  it('turns a getter or proxy trap that throws into INVALID_REQUEST naming the key', () => {
    const throwing = (key: string) => Object.defineProperty({}, key, { enumerable: true, get: () => { throw new TypeError('no'); } });
    expect(rejectedField(() => resolveDetectorOptions(throwing('maxFaces') as DetectorOptions))).toBe('maxFaces');
    expect(rejectedField(() => resolveDetectOptions(throwing('returnLandmarks') as DetectOptions, 5))).toBe('returnLandmarks');
    const trap = new Proxy({}, { get: () => { throw new Error('trap'); } });
    expect(rejectedField(() => callSignal(trap as DetectOptions))).toBe('signal');
    expect(rejectedField(() => callTimeout(trap as DetectOptions, 5000))).toBe('timeoutMs');
  });

  it('names a value JSON cannot carry in details.value, so the error serialises (found by the browser fuzzer)', () => {
    const trap = new Proxy({}, { get: () => { throw new Error('trap'); }, getPrototypeOf: () => { throw new Error('trap'); } });
    for (const [options, shown] of [[{ returnDimensions: 5n }, '5n'], [{ maxFaces: Symbol('x') }, 'symbol'], [{ faceRange: () => 'short' }, 'function'], [{ minFaceSize: trap }, 'object'], [{ maxFaces: Number.NaN }, 'NaN']] as const) {
      try {
        resolveDetectOptions(options as DetectOptions, 5);
        throw new Error('expected INVALID_REQUEST');
      } catch (error) {
        expect((error as EmoLensError).details['value']).toBe(shown);
        expect(() => structuredClone(JSON.parse(JSON.stringify(error)))).not.toThrow();
      }
    }
  });

  it('refuses a revoked proxy as options, naming options (Array.isArray throws on one; found by the browser fuzzer)', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(rejectedField(() => resolveDetectOptions(proxy as DetectOptions, 5))).toBe('options');
    expect(rejectedField(() => resolveDetectorOptions(proxy as DetectorOptions))).toBe('options');
  });

  it('reads each option once, so a getter cannot change a value after it was checked', () => {
    let reads = 0;
    const flip = Object.defineProperty({}, 'maxFaces', { enumerable: true, get: () => (reads++ === 0 ? 3 : 1000) });
    expect(resolveDetectorOptions(flip as DetectorOptions).maxFaces).toBe(3);
    expect(reads).toBe(1);
  });
});

describe('unknown option keys', () => {
  /** The `INVALID_REQUEST` that `run` throws for an unknown key (fails if it throws anything else, or nothing). */
  function unknownKey(run: () => unknown): EmoLensError {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(EmoLensError);
      expect((error as EmoLensError).details['kind']).toBe('unknown_option');
      return error as EmoLensError;
    }
    throw new Error('expected INVALID_REQUEST');
  }

  it('refuses a misspelt key with the one meant, instead of using the default', () => {
    const error = unknownKey(() => resolveDetectOptions({ maxFace: 1 } as DetectOptions, 5));
    expect(error.details).toMatchObject({ field: 'maxFace', suggestion: 'Did you mean "maxFaces"?' });
    expect(unknownKey(() => resolveDetectOptions({ return_action_units: true } as DetectOptions, 5)).details['suggestion']).toBe('Did you mean "returnActionUnits"?');
    expect(unknownKey(() => resolveDetectorOptions({ maxfaces: 2 } as DetectorOptions)).details['field']).toBe('maxfaces');
    expect(unknownKey(() => resolveTrackingAndStream({ smoothign: 'ema' })).details['suggestion']).toBe('Did you mean "smoothing"?');
    expect(unknownKey(() => resolveVideoOptions({ sampleRate: 5 } as VideoOptions, 5, 30_000, 'file')).details['suggestion']).toBe('Did you mean "sample_rate"?');
  });

  it("names the call that takes another call's option", () => {
    expect(unknownKey(() => resolveDetectOptions({ classifier: 'emolens-ferplus' } as DetectOptions, 5)).message).toBe('"classifier" is an option of createDetector(), not of this call');
    expect(unknownKey(() => resolveDetectorOptions({ returnLandmarks: true } as DetectorOptions)).message).toBe('"returnLandmarks" is an option of detect(), not of this call');
    expect(unknownKey(() => resolveDetectOptions({ smoothing: 'ema' } as DetectOptions, 5)).message).toBe('"smoothing" is an option of stream(), not of this call');
    expect(unknownKey(() => resolveTrackingAndStream({ sample_rate: 2 })).message).toBe('"sample_rate" is an option of analyzeVideo(), not of this call');
  });

  it('refuses onResult in the options of frames(), whose loop gets each result', () => {
    expect(() => resolveStreamOptions({ onError: () => undefined }, 5, 30_000, 'frames')).not.toThrow();
    expect(unknownKey(() => resolveStreamOptions({ onResult: () => undefined }, 5, 30_000, 'frames')).message).toBe('"onResult" is an option of stream(), not of this call');
  });

  it('takes every key of its own call, inherited keys, and symbols', () => {
    expect(() => resolveTrackingAndStream({ maxFaces: 2, smoothing: 'ema', onResult: () => undefined, signal: new AbortController().signal })).not.toThrow();
    expect(() => resolveVideoOptions({ sample_rate: 2, smoothing: 'off', returnLandmarks: true, onProgress: () => undefined }, 5, 30_000, 'file')).not.toThrow();
    class Settings {
      maxFaces = 3;
      get faceRange(): 'short' {
        return 'short';
      }
    }
    expect(resolveDetectOptions(new Settings() as DetectOptions, 5)).toMatchObject({ maxFaces: 3, faceRange: 'short' });
    expect(() => resolveDetectOptions({ [Symbol('tag')]: 1, maxFaces: 2 } as DetectOptions, 5)).not.toThrow();
  });

  it("refuses any key but signal in a REST-shaped call's options, pointing to the request body", () => {
    const signal = new AbortController().signal;
    expect(requestSignal({ signal }, 'face')).toBe(signal);
    expect(requestSignal(undefined, 'video')).toBeUndefined();
    expect(unknownKey(() => requestSignal({ maxFaces: 2 } as never, 'face')).message).toBe('"maxFaces" is an option of the request body, as options.max_faces, not of this call');
    expect(unknownKey(() => requestSignal({ sample_rate: 2 } as never, 'video')).message).toBe('"sample_rate" is an option of the request body, as options.sample_rate, not of this call');
    // Each request's own: a video option is no option of the face request's body.
    expect(unknownKey(() => requestSignal({ sample_rate: 2 } as never, 'face')).message).toBe('unknown option "sample_rate"');
    expect(unknownKey(() => requestSignal({ classifier: 'x' } as never, 'face')).message).toBe('unknown option "classifier"');
    expect(unknownKey(() => requestSignal({ signl: signal } as never, 'face')).details['suggestion']).toBe('Did you mean "signal"?');
    expect(rejectedField(() => requestSignal('x' as never, 'face'))).toBe('options');
  });

  it('reads no option from a polluted Object.prototype: a call without options gets the defaults', () => {
    const polluted = Object.prototype as Record<string, unknown>;
    const defaults = resolveCallOptions({}, 5, 30_000);
    Object.assign(polluted, { timeoutMs: 1, maxFaces: 'x', returnDimensions: false });
    try {
      expect(resolveCallOptions({}, 5, 30_000)).toEqual(defaults);
      expect(resolveCallOptions(undefined, 5, 30_000)).toEqual(defaults);
    } finally {
      for (const key of ['timeoutMs', 'maxFaces', 'returnDimensions']) delete polluted[key];
    }
  });

  it("refuses what calibrate() and predictWakee() would ignore: calibrate takes three keys, predictWakee no signal switch", () => {
    expect(() => resolveCallOptions({ faceRange: 'short', timeoutMs: 5 }, 5, 30_000, 'calibrate')).not.toThrow();
    expect(unknownKey(() => resolveCallOptions({ maxFaces: 1 }, 5, 30_000, 'calibrate')).message).toBe('"maxFaces" is an option of createDetector(), not of this call');
    expect(() => resolveCallOptions({ maxFaces: 1, minFaceSize: 10 }, 5, 30_000, 'predictWakee')).not.toThrow();
    expect(unknownKey(() => resolveCallOptions({ returnLandmarks: true }, 5, 30_000, 'predictWakee')).details['field']).toBe('returnLandmarks');
  });

  it('refuses options whose keys cannot be listed, naming options', () => {
    const trap = new Proxy({}, { ownKeys: () => { throw new Error('trap'); } });
    expect(rejectedField(() => resolveDetectOptions(trap as DetectOptions, 5))).toBe('options');
  });
});

describe('resolveTrackingOptions', () => {
  it('fills in every default, and resolves a resolved object to itself', () => {
    const defaults = { calibrate: true, trackGraceMs: 500, smoothing: 'one-euro', smoothingMinCutoffHz: 0.5, smoothingBeta: 0.3, emaHalfLifeMs: 150, labelHysteresis: 0.1, detectionReuseMs: 25 };
    expect(resolveTrackingOptions(undefined)).toEqual(defaults);
    expect(resolveTrackingOptions({})).toEqual(defaults);
    expect(TRACKING_DEFAULTS).toEqual(defaults);
    const given: TrackingOptions = { trackGraceMs: 0, smoothing: 'ema', smoothingMinCutoffHz: 100, smoothingBeta: 0, emaHalfLifeMs: 10_000, labelHysteresis: 1, detectionReuseMs: 0, calibrate: false };
    expect(resolveTrackingOptions(given)).toEqual(given);
    expect(resolveTrackingOptions(resolveTrackingOptions(given))).toEqual(given);
    expect(resolveTrackingOptions({ smoothing: 'off', labelHysteresis: 0 })).toEqual({ ...defaults, smoothing: 'off', labelHysteresis: 0 });
  });

  it('takes calibrate as a boolean only', () => {
    expect(resolveTrackingOptions({ calibrate: false }).calibrate).toBe(false);
    for (const value of ['yes', 1, {}, Number.NaN]) {
      expect(() => resolveTrackingOptions({ calibrate: value } as TrackingOptions)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST', details: expect.objectContaining({ field: 'calibrate' }) }));
    }
  });

  // Per field: values at the edges of its range are taken; values outside it or of the wrong type are refused
  // naming the field. (null, like undefined, is the default, as for every option.)
  it.each<[keyof TrackingOptions, unknown[], unknown[]]>([
    ['trackGraceMs', [0, 33.3, 10_000], [-1, 10_001, Infinity]],
    ['smoothing', ['one-euro', 'ema', 'off'], ['One-Euro', 'kalman', '', true]],
    ['smoothingMinCutoffHz', [0.001, 1, 100], [0, -1, 100.5, Infinity]],
    ['smoothingBeta', [0, 0.3, 100], [-0.1, 101, Infinity]],
    ['emaHalfLifeMs', [0.5, 150, 10_000], [0, -5, 10_001, Infinity]],
    ['labelHysteresis', [0, 0.1, 1], [-0.01, 1.01, Infinity]],
    ['detectionReuseMs', [0, 25, 1000], [-1, 1000.5, Infinity, '25']],
  ])('%s', (field, good, bad) => {
    for (const value of good) expect(resolveTrackingOptions({ [field]: value })[field]).toBe(value);
    const notNumbers = field === 'smoothing' ? [5, {}] : [Number.NaN, '5', true, {}, [1], 5n, Symbol('x'), () => 5];
    for (const value of [...bad, ...notNumbers]) {
      try {
        resolveTrackingOptions({ [field]: value } as TrackingOptions);
        throw new Error(`expected INVALID_REQUEST for ${field}: ${String(value)}`);
      } catch (error) {
        expect(error).toBeInstanceOf(EmoLensError);
        expect((error as EmoLensError).code).toBe('INVALID_REQUEST');
        expect((error as EmoLensError).details.field).toBe(field);
        expect(() => structuredClone(JSON.parse(JSON.stringify(error)))).not.toThrow(); // crosses postMessage
      }
    }
  });

  it('refuses hostile option objects with INVALID_REQUEST, never a TypeError', () => {
    for (const bad of [null, 'smooth', 3, []]) expect(rejectedField(() => resolveTrackingOptions(bad as unknown as TrackingOptions))).toBe('options');
    const throwing = Object.defineProperty({}, 'trackGraceMs', { enumerable: true, get: () => { throw new TypeError('no'); } });
    expect(rejectedField(() => resolveTrackingOptions(throwing as TrackingOptions))).toBe('trackGraceMs');
    const trap = new Proxy({}, { get: () => { throw new Error('trap'); } });
    expect(rejectedField(() => resolveTrackingOptions(trap as TrackingOptions))).toBe('trackGraceMs');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(rejectedField(() => resolveTrackingOptions(proxy as TrackingOptions))).toBe('options');
    // Read once: a getter cannot change a value after it was checked.
    let reads = 0;
    const flip = Object.defineProperty({}, 'labelHysteresis', { enumerable: true, get: () => (reads++ === 0 ? 0.2 : -5) });
    expect(resolveTrackingOptions(flip as TrackingOptions).labelHysteresis).toBe(0.2);
    expect(reads).toBe(1);
  });
});

describe('resolveVideoOptions', () => {
  it('fills in the WIA defaults, the frame rate of an array, and the detect and tracking defaults', () => {
    const frames = resolveVideoOptions({}, 5, 30_000, 'frames');
    // A video is analysed offline: every frame is detected (a live stream reuses detections for 25 ms).
    expect(frames).toMatchObject({ video: WIA_VIDEO_REQUEST_DEFAULTS, frameRate: DEFAULT_FRAME_RATE, tracking: { ...TRACKING_DEFAULTS, detectionReuseMs: 0 }, timeoutMs: 30_000, signal: undefined, onProgress: undefined });
    expect(resolveVideoOptions({ detectionReuseMs: 25 }, 5, 30_000, 'file').tracking.detectionReuseMs).toBe(25);
    expect(frames.frame.maxFaces).toBe(5);
    expect(resolveVideoOptions(undefined, 5, 30_000, 'file').frameRate).toBeUndefined();
  });

  it('takes every option', () => {
    const signal = new AbortController().signal;
    const onProgress = () => undefined;
    const options = { sample_rate: 3, start_time_ms: 100, end_time_ms: 2000, track_faces: false, frame_rate: 10, onProgress, signal, timeoutMs: 5000, maxFaces: 2, smoothing: 'ema' } as const;
    expect(resolveVideoOptions(options, 5, 30_000, 'frames')).toMatchObject({
      video: { sample_rate: 3, start_time_ms: 100, end_time_ms: 2000, track_faces: false },
      frameRate: 10,
      onProgress,
      signal,
      timeoutMs: 5000,
      frame: { maxFaces: 2 },
      tracking: { smoothing: 'ema' },
    });
  });

  it.each([
    [{ sample_rate: 0 }, 'sample_rate'],
    [{ sample_rate: -1 }, 'sample_rate'],
    [{ sample_rate: Number.NaN }, 'sample_rate'],
    [{ sample_rate: 1.5 }, 'sample_rate'],
    [{ start_time_ms: -5 }, 'start_time_ms'],
    [{ start_time_ms: 1000, end_time_ms: 500 }, 'end_time_ms'],
    [{ track_faces: 1 }, 'track_faces'],
    [{ frame_rate: 0 }, 'frame_rate'],
    [{ frame_rate: 5000 }, 'frame_rate'],
    [{ frame_rate: 1e-300 }, 'frame_rate'],
    [{ onProgress: 'log' }, 'onProgress'],
    [{ maxFaces: 0 }, 'maxFaces'],
    [{ trackGraceMs: -1 }, 'trackGraceMs'],
    [{ timeoutMs: 0 }, 'timeoutMs'],
  ])('names the field of %o', (options, field) => {
    expect(rejectedField(() => resolveVideoOptions(options as VideoOptions, 5, 30_000, 'frames'))).toBe(field);
  });

  it('refuses a frame rate for a video file, which has its own timestamps', () => {
    expect(rejectedField(() => resolveVideoOptions({ frame_rate: 25 }, 5, 30_000, 'file'))).toBe('frame_rate');
  });

  it('refuses options that are not an object', () => {
    expect(rejectedField(() => resolveVideoOptions(42 as unknown as VideoOptions, 5, 30_000, 'file'))).toBe('options');
  });
});
