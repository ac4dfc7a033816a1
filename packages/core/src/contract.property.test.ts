/**
 * Property tests of the pure entry points (the seeded, short part of the project's fuzzing): whatever a caller
 * passes, option resolution and request parsing either succeed with in-range values or reject with a typed
 * `INVALID_REQUEST` naming a field — never another error; header sniffing never throws and always ends.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EmoLensError, MAX_FACES, parseWiaFaceRequest } from '@emolens/schema';
import { jpegFrameSize, sniffImage } from './input/sniff.js';
import { callSignal, callTimeout, resolveDetectOptions, resolveDetectorOptions, resolveVideoOptions } from './options.js';

/** Runs of each property: seeded, so a failure reproduces; `pnpm fuzz --runs N [--seed S]` makes a long run. */
const RUNS = { seed: Number(process.env['FUZZ_SEED'] ?? 20261127), numRuns: Number(process.env['FUZZ_RUNS'] ?? 300) };

/** Values a hostile caller may pass: anything, objects with option-like keys, and objects whose getters throw. */
const optionValue = fc.oneof(fc.anything({ withBigInt: true }), fc.constantFrom(0, -1, 1.5, 5, 100, 101, NaN, Infinity, '5', true, 'auto', 'wasm', 'short', null, Symbol('x'), () => 5));
const detectorKeys = ['classifier', 'backend', 'webgpu', 'startTimeoutMs', 'threads', 'cache', 'maxFaces', 'minDetectionConfidence', 'classifierWorker', 'maxPixels', 'maxBytes', 'timeoutMs', 'baseUrl', 'onProgress', 'onError', 'worker'];
const detectKeys = ['returnLandmarks', 'returnDimensions', 'returnHeadPose', 'returnActionUnits', 'returnAttention', 'returnLearningStates', 'calibration', 'maxFaces', 'minFaceSize', 'faceRange', 'timeoutMs', 'signal'];
/** Keys no call takes: a typo, a REST API's name, a prototype's name. */
const strayKeys = ['maxFace', 'max_faces', 'returnlandmarks', 'constructor', '__proto__', 'then', ''];
const optionsObject = (keys: readonly string[]) => fc.dictionary(fc.constantFrom(...keys), optionValue);
const hostile = (keys: readonly string[]) => fc.constantFrom(...keys).map((key) => Object.defineProperty({}, key, { enumerable: true, get: () => { throw new TypeError('hostile getter'); } }));
/**
 * A revoked proxy, on which every operation throws (`Array.isArray` included): drawn as a marker that `built`
 * replaces inside the property, since fast-check itself cannot inspect one.
 */
const REVOKED = Symbol.for('revoked proxy');
const revoked = fc.constant(REVOKED);
function built(value: unknown): unknown {
  if (value !== REVOKED) return value;
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}
/** Options of a call that takes `keys`: anything, objects of its keys, of its keys and others, hostile ones. */
const anyOptions = (keys: readonly string[]) =>
  fc.oneof(fc.anything(), optionsObject(keys), optionsObject([...keys, ...strayKeys, ...detectorKeys, ...detectKeys]), hostile(keys), revoked);

/** Resolution succeeded, so every own key of `options` is one the call takes. */
function onlyKnownKeys(options: unknown, keys: readonly string[]): void {
  if (typeof options === 'object' && options !== null) for (const key of Object.keys(options)) expect(keys).toContain(key);
}

/** `run` returns, or throws an EmoLensError INVALID_REQUEST naming a field, which JSON can carry. */
function settlesTyped(run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    expect(error).toBeInstanceOf(EmoLensError);
    expect((error as EmoLensError).code).toBe('INVALID_REQUEST');
    expect(typeof (error as EmoLensError).details['field']).toBe('string');
    expect(() => JSON.stringify(error)).not.toThrow();
    return undefined;
  }
}

describe('option resolution, for any input', () => {
  it('createDetector options: in-range values or INVALID_REQUEST naming the field', () => {
    fc.assert(
      fc.property(anyOptions(detectorKeys), (options) => {
        const resolved = settlesTyped(() => resolveDetectorOptions(built(options) as never)) as ReturnType<typeof resolveDetectorOptions> | undefined;
        if (!resolved) return;
        onlyKnownKeys(options, detectorKeys);
        expect(Number.isInteger(resolved.maxFaces) && resolved.maxFaces >= MAX_FACES.min && resolved.maxFaces <= MAX_FACES.max).toBe(true);
        expect(resolved.timeoutMs > 0 && resolved.maxBytes >= 1 && resolved.maxPixels >= 1).toBe(true);
        expect(typeof resolved.cache === 'boolean' && typeof resolved.inferenceWorker === 'boolean').toBe(true);
      }),
      RUNS,
    );
  });

  it('detect options: in-range values or INVALID_REQUEST naming the field', () => {
    fc.assert(
      fc.property(anyOptions(detectKeys), fc.integer({ min: MAX_FACES.min, max: MAX_FACES.max }), (options, detectorMaxFaces) => {
        settlesTyped(() => callSignal(built(options) as never));
        settlesTyped(() => callTimeout(built(options) as never, 30_000));
        const frame = settlesTyped(() => resolveDetectOptions(built(options) as never, detectorMaxFaces)) as ReturnType<typeof resolveDetectOptions> | undefined;
        if (!frame) return;
        onlyKnownKeys(options, detectKeys);
        expect(frame.maxFaces >= MAX_FACES.min && frame.maxFaces <= MAX_FACES.max).toBe(true);
        expect(Number.isFinite(frame.minFaceSize) && frame.minFaceSize >= 0).toBe(true);
        for (const flag of [frame.returnDimensions, frame.returnLandmarks, frame.returnHeadPose, frame.returnActionUnits, frame.returnAttention, frame.returnLearningStates]) expect(typeof flag).toBe('boolean');
        if (frame.calibration) expect(frame.calibration.actionUnits.every(Number.isFinite)).toBe(true);
      }),
      RUNS,
    );
  });

  it('calibrations: a copy of a valid baseline, or INVALID_REQUEST on calibration, for any mutation of one', () => {
    const valid = { version: 1, actionUnits: Array.from({ length: 17 }, (_, i) => i / 10), gaze: { yaw: 1, pitch: -2 } };
    const hostileArray = new Proxy([...valid.actionUnits], { get: (target, key) => (key === 'length' ? 17 : key === '3' ? (() => { throw new TypeError('trap'); })() : Reflect.get(target, key)) });
    const mutated = fc.oneof(
      optionValue,
      fc.record({ version: optionValue, actionUnits: fc.oneof(optionValue, fc.array(optionValue, { maxLength: 20 }), fc.constant(valid.actionUnits)), gaze: fc.oneof(optionValue, fc.record({ yaw: optionValue, pitch: optionValue })) }, { requiredKeys: [] }),
      fc.constant({ ...valid, actionUnits: hostileArray }),
      fc.constant(Object.defineProperty({ version: 1 }, 'actionUnits', { enumerable: true, get: () => { throw new TypeError('hostile getter'); } })),
    );
    fc.assert(
      fc.property(mutated, (calibration) => {
        const frame = settlesTyped(() => resolveDetectOptions({ calibration } as never, 5)) as ReturnType<typeof resolveDetectOptions> | undefined;
        if (!frame?.calibration) return;
        expect(frame.calibration.actionUnits).toHaveLength(17);
        expect(frame.calibration.actionUnits.every(Number.isFinite)).toBe(true);
        expect(frame.calibration).not.toBe(calibration);
      }),
      RUNS,
    );
    expect(resolveDetectOptions({ calibration: valid as never }, 5).calibration).toEqual(valid);
  });

  it('video options: in-range values or INVALID_REQUEST naming the field', () => {
    const videoKeys = ['sample_rate', 'start_time_ms', 'end_time_ms', 'track_faces', 'frame_rate', 'onProgress', 'maxFaces', 'trackGraceMs', 'smoothing', 'calibrate', 'timeoutMs', 'signal'];
    const videoOptions = anyOptions(videoKeys);
    fc.assert(
      fc.property(videoOptions, fc.constantFrom('frames', 'file') as fc.Arbitrary<'frames' | 'file'>, (options, input) => {
        const resolved = settlesTyped(() => resolveVideoOptions(built(options) as never, 5, 30_000, input)) as ReturnType<typeof resolveVideoOptions> | undefined;
        if (!resolved) return;
        if (typeof options === 'object' && options !== null) for (const key of Object.keys(options)) expect(videoKeys.includes(key) || detectKeys.includes(key)).toBe(true);
        const { sample_rate, start_time_ms, end_time_ms } = resolved.video;
        expect(Number.isInteger(sample_rate) && sample_rate >= 1).toBe(true);
        expect(Number.isFinite(start_time_ms) && start_time_ms >= 0).toBe(true);
        if (end_time_ms !== undefined) expect(end_time_ms > start_time_ms).toBe(true);
        if (input === 'file') expect(resolved.frameRate).toBeUndefined();
        else expect(resolved.frameRate! > 0 && resolved.frameRate! <= 1000).toBe(true);
      }),
      RUNS,
    );
  });

  it('WIA request bodies: a normalised request or INVALID_REQUEST naming the field', () => {
    const body = fc.oneof(
      fc.anything(),
      revoked,
      hostile(['image_url', 'image_base64', 'options']),
      fc.record({ image_url: fc.oneof(fc.string(), fc.anything()), options: fc.oneof(optionsObject(detectKeys), fc.dictionary(fc.constantFrom('max_faces', 'min_face_size', 'return_landmarks', 'return_dimensions', 'return_action_units', 'other'), optionValue)) }, { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(body, (value) => {
        const request = settlesTyped(() => parseWiaFaceRequest(built(value))) as ReturnType<typeof parseWiaFaceRequest> | undefined;
        if (request) expect(Number.isInteger(request.options.max_faces)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('header sniffing, for any bytes', () => {
  const jpegish = fc.uint8Array({ maxLength: 4096 }).map((rest) => Uint8Array.from([0xff, 0xd8, 0xff, ...rest]));
  const bytes = fc.oneof(fc.uint8Array({ maxLength: 4096 }), jpegish);

  it('never throws, and gives sizes that are whole, non-negative numbers', () => {
    fc.assert(
      fc.property(bytes, (data) => {
        const sniffed = sniffImage(data);
        for (const size of [sniffed?.width, sniffed?.height]) if (size !== undefined) expect(Number.isInteger(size) && size >= 0).toBe(true);
      }),
      RUNS,
    );
  });

  it('walks any JPEG-like file to an end, agreeing with the in-memory sniff where that finds a size', async () => {
    await fc.assert(
      fc.asyncProperty(jpegish, async (data) => {
        const walked = await jpegFrameSize(new Blob([data]));
        const head = sniffImage(data);
        if (head?.width !== undefined) expect(walked).toEqual({ width: head.width, height: head.height });
      }),
      RUNS,
    );
  });
});
