/**
 * The fuzzer's generators (fast-check, in Node): each case is a plain recipe that `page/fuzz-case.ts` turns into
 * real values in the page. Values drawn from a "valid" generator are tagged `valid`, so the contract check knows
 * which calls must succeed; a junk value that happens to be valid is tagged invalid, which only loosens the check.
 */
import fc from 'fast-check';
import type { Mutation } from '../fixtures/mutate.ts';
import type { AbortRecipe, CallRecipe, CaseRecipe, Delivery, InputRecipe, OddValue, OptionsRecipe, OptionValue } from './page/fuzz-case.ts';

const DELIVERIES: Delivery[] = [
  'blob', 'typed-blob', 'file', 'frozen-blob', 'array-buffer', 'resizable-array-buffer', 'uint8array', 'view-in-larger-buffer',
  'dataview', 'int16array', 'base64', 'base64-url-safe', 'base64-wrapped', 'data-url', 'percent-data-url', 'blob-url', 'source-url',
  'image-bitmap', 'image-data', 'canvas', 'offscreen-canvas', 'img', 'video-frame',
];

const ODD_VALUES: OddValue[] = [
  'throwing-getters', 'throwing-proxy', 'proxy-of-blob', 'thenable', 'fake-image-data', 'image-data-like', 'huge-numbers',
  'fake-canvas', 'blob-with-throwing-slice', 'symbol', 'bigint', 'function', 'number', 'array-of-bytes', 'date', 'map',
  'promise-of-blob', 'string-object', 'undefined', 'null', 'huge-canvas', 'zero-canvas', 'one-pixel-image-data',
  'img-without-src', 'img-of-html', 'video-without-data', 'svg-element', 'detached-array-buffer', 'detached-view',
  'closed-bitmap', 'closed-video-frame', 'revoked-blob-url', 'long-string', 'whitespace-string', 'url-404', 'url-of-html',
  'javascript-url', 'data-url-without-comma', 'revoked-proxy',
];

/** A position in a file: anywhere, or (as often) in its first 2 %, where the headers are. */
const position = fc.oneof(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.double({ min: 0, max: 0.02, noNaN: true }));
const byte = fc.integer({ min: 0, max: 255 });
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
/** Junk to prepend or append: random bytes, or the magic numbers of formats. */
const junk = fc.oneof(
  fc.array(byte, { minLength: 1, maxLength: 64 }),
  fc.constantFrom([0xff, 0xd8, 0xff], [0x89, ...ascii('PNG\r\n\x1a\n')], ascii('GIF89a'), ascii('BM'), ascii('RIFF\0\0\0\0WEBP'), ascii('<svg>'), ascii('%PDF-1.4'), [0, 0, 0, 0x20, ...ascii('ftypavif')]),
);
/** Sizes a header may claim: edge values of every field width, and anything. */
const headerValue = fc.oneof(
  fc.constantFrom(0, 1, 2, 255, 256, 4096, 8192, 16384, 32767, 32768, 65535, 65536, 0x7fffffff, 0x80000000, 0xffffffff, -1, -(2 ** 31)),
  fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }),
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: position }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('overwrite' as const), at: position, bytes: fc.array(byte, { minLength: 1, maxLength: 16 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cut' as const), at: position, length: fc.integer({ min: 1, max: 4096 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('prepend' as const), bytes: junk }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('append' as const), bytes: junk }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('header' as const), field: fc.constantFrom('width' as const, 'height' as const), value: headerValue }) },
);

const input = (sources: number): fc.Arbitrary<InputRecipe> =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('bytes' as const),
        source: fc.nat({ max: sources - 1 }),
        // Half the byte inputs are intact: they must give a result, in every delivery.
        mutations: fc.oneof(fc.constant<Mutation[]>([]), fc.array(mutation, { minLength: 1, maxLength: 4 })),
        delivery: fc.constantFrom(...DELIVERIES),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('odd' as const), value: fc.constantFrom(...ODD_VALUES) }) },
  );

const valid = (arbitrary: fc.Arbitrary<unknown>): fc.Arbitrary<OptionValue> => arbitrary.map((json) => ({ json, valid: true }));
/** Values that are wrong for most options (some happen to be right for one: tagged invalid all the same). */
const junkValue: fc.Arbitrary<OptionValue> = fc
  .oneof(
    fc.constantFrom(Number.NaN, -1, 0, -0, 1.5, 101, 1e308, -Infinity, Infinity, '5', '', 'auto', 'true', true, false, null, undefined, {}, [], [1]),
    fc.double(),
    fc.string({ maxLength: 8 }),
  )
  .map((json) => ({ json, valid: false }));
const hostileValue: fc.Arbitrary<OptionValue> = fc
  .constantFrom('throwing-getter', 'symbol', 'bigint', 'function', 'throwing-value-of', 'boxed-number', 'date', 'proxy')
  .map((hostile) => ({ hostile }) as OptionValue);

/** The valid values of each `detect` option. */
const DETECT_VALID: Record<string, fc.Arbitrary<unknown> | undefined> = {
  returnLandmarks: fc.boolean(),
  returnDimensions: fc.boolean(),
  returnHeadPose: fc.boolean(),
  maxFaces: fc.integer({ min: 1, max: 100 }),
  minFaceSize: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.double({ min: 0, max: 2000, noNaN: true })),
  faceRange: fc.constantFrom('auto', 'short', 'full', 'both'),
  // Short deadlines (which fire mid-call) and long ones.
  timeoutMs: fc.oneof(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 5_000, max: 60_000 }), fc.constant(Infinity)),
  // A key no call takes (refused: unknown_option), whatever its value.
  colour: undefined,
  // An own property named __proto__ (not the prototype): a key no call takes either.
  ['__proto__']: undefined,
};
/** The valid values of each WIA request option (`analyzeFace`), and an unknown key (never valid). */
const WIA_VALID: Record<string, fc.Arbitrary<unknown> | undefined> = {
  max_faces: fc.integer({ min: 1, max: 100 }),
  min_face_size: fc.integer({ min: 0, max: 40 }),
  return_landmarks: fc.boolean(),
  return_dimensions: fc.boolean(),
  return_action_units: fc.boolean(),
  colour: undefined,
};

const entries = (table: Record<string, fc.Arbitrary<unknown> | undefined>) =>
  fc.array(
    fc.oneof(
      ...Object.entries(table).map(([key, validValue]) =>
        fc.record({ key: fc.constant(key), value: validValue ? fc.oneof({ weight: 12, arbitrary: valid(validValue) }, { weight: 2, arbitrary: junkValue }, { weight: 1, arbitrary: hostileValue }) : fc.oneof(junkValue, hostileValue) }),
      ),
    ),
    { maxLength: 5 },
  );

const options = (table: Record<string, fc.Arbitrary<unknown> | undefined>): fc.Arbitrary<OptionsRecipe> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant({ shape: 'absent' as const }) },
    { weight: 1, arbitrary: fc.record({ shape: fc.constant('non-object' as const), value: fc.constantFrom('null' as const, 'array' as const, 'number' as const, 'string' as const, 'function' as const) }) },
    {
      weight: 6,
      arbitrary: fc.record({
        shape: fc.constant('object' as const),
        wrap: fc.oneof({ weight: 6, arbitrary: fc.constant('plain' as const) }, { weight: 1, arbitrary: fc.constantFrom('frozen' as const, 'null-prototype' as const, 'inherited' as const, 'proxy' as const, 'throwing-proxy' as const, 'revoked-proxy' as const) }),
        entries: entries(table),
      }),
    },
  );

const abort: fc.Arbitrary<AbortRecipe> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ when: 'never' as const }) },
  { weight: 1, arbitrary: fc.constant({ when: 'before' as const }) },
  { weight: 2, arbitrary: fc.record({ when: fc.constant('after' as const), ms: fc.integer({ min: 0, max: 300 }) }) },
  { weight: 1, arbitrary: fc.record({ when: fc.constant('signal-timeout' as const), ms: fc.integer({ min: 0, max: 200 }) }) },
  { weight: 1, arbitrary: fc.record({ when: fc.constant('any' as const), ms: fc.integer({ min: 0, max: 200 }) }) },
  { weight: 1, arbitrary: fc.constant({ when: 'fake-signal' as const }) },
);

/** Present in one draw in `every`. */
const sometimes = <T>(every: number, arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: every - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

const call = (sources: number): fc.Arbitrary<CallRecipe> =>
  fc.oneof(
    { weight: 9, arbitrary: fc.record({ method: fc.constantFrom('detect' as const, 'detect' as const, 'detect' as const, 'profile' as const), input: input(sources), options: options(DETECT_VALID), abort, startAfterMs: fc.integer({ min: 0, max: 40 }) }) },
    {
      weight: 2,
      arbitrary: fc
        .record({ method: fc.constant('analyze-face' as const), input: input(sources), options: options(WIA_VALID), abort, startAfterMs: fc.integer({ min: 0, max: 40 }), body: sometimes(8, fc.constantFrom('throwing-proxy' as const, 'revoked-proxy' as const, 'throwing-getter' as const)) })
        .map(({ body, ...rest }) => (body === undefined ? rest : { ...rest, body })),
    },
    { weight: 1, arbitrary: fc.record({ method: fc.constant('warmup' as const), input: fc.constant({ kind: 'odd' as const, value: 'undefined' as const }), options: fc.constant({ shape: 'absent' as const }), abort: fc.constant({ when: 'never' as const }), startAfterMs: fc.integer({ min: 0, max: 40 }) }) },
  );

/** A case: one to four calls at once, now and then a dispose mid-flight or a detector with options of its own. */
export function caseRecipe(sources: number): fc.Arbitrary<CaseRecipe> {
  return fc
    .record({
      calls: fc.oneof({ weight: 3, arbitrary: fc.array(call(sources), { minLength: 1, maxLength: 1 }) }, { weight: 2, arbitrary: fc.array(call(sources), { minLength: 2, maxLength: 4 }) }),
      disposeAfterMs: sometimes(12, fc.integer({ min: 0, max: 400 })),
      detector: sometimes(
        20,
        fc.record(
          {
            maxPixels: fc.oneof(fc.integer({ min: 1, max: 200_000 }), fc.constant(50_000_000)),
            maxFaces: fc.integer({ min: 1, max: 100 }),
            timeoutMs: fc.oneof(fc.integer({ min: 1, max: 2_000 }), fc.constant(30_000)),
            minDetectionConfidence: fc.double({ min: 0, max: 1, noNaN: true }),
          },
          { requiredKeys: [] },
        ),
      ),
    })
    .map(({ calls, disposeAfterMs, detector }) => ({ calls, ...(disposeAfterMs === undefined ? {} : { disposeAfterMs }), ...(detector === undefined ? {} : { detector }) }));
}
