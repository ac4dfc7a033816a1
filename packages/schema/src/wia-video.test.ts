/**
 * The WIA video request and result: `parseWiaVideoRequest` on valid, invalid and hostile bodies (every rejection an
 * `INVALID_REQUEST` naming the field), `summarizeTimeline` on hand-made timelines, and both JSON Schemas: results
 * built with `summarizeTimeline` validate, malformed ones do not, and the request schema agrees with the parser.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EmoLensError } from './errors.js';
import {
  MAX_FRAMES_BASE64,
  WIA_EMOTIONS,
  WIA_VIDEO_REQUEST_DEFAULTS,
  parseWiaFramesBase64,
  parseWiaVideoOptions,
  parseWiaVideoRequest,
  summarizeTimeline,
  type WiaDimensions,
  type WiaEmotion,
  type WiaFace,
  type WiaVideoFrame,
  type WiaVideoResult,
} from './index.js';
import { revoked, trap } from './testing/hostile.js';

// ---------------------------------------------------------------------------------------------------------
// Helpers

/** The `details` of the INVALID_REQUEST that `body` gets (which must survive JSON, as a server would send it). */
function rejection(body: unknown): Record<string, unknown> {
  try {
    parseWiaVideoRequest(body);
  } catch (error) {
    expect(error).toBeInstanceOf(EmoLensError);
    expect((error as EmoLensError).code).toBe('INVALID_REQUEST');
    expect(() => JSON.stringify(error)).not.toThrow();
    return (error as EmoLensError).details;
  }
  throw new Error(`expected INVALID_REQUEST for ${String(body)}`);
}

const rejectedField = (body: unknown): unknown => rejection(body)['field'];

const URL_BODY = { video_url: 'https://example.com/clip.mp4' };
const withOptions = (options: unknown) => ({ ...URL_BODY, options });


// ---------------------------------------------------------------------------------------------------------
// parseWiaVideoRequest

describe('parseWiaVideoRequest on valid bodies', () => {
  it('fills in the defaults, leaving end_time_ms absent (the video’s end)', () => {
    expect(parseWiaVideoRequest(URL_BODY)).toEqual({ video_url: URL_BODY.video_url, options: { sample_rate: 1, start_time_ms: 0, track_faces: true } });
    expect(WIA_VIDEO_REQUEST_DEFAULTS).toEqual({ sample_rate: 1, start_time_ms: 0, track_faces: true });
    expect('end_time_ms' in parseWiaVideoRequest(URL_BODY).options).toBe(false);
  });

  it('takes frames_base64 and every option', () => {
    const frames = ['data:image/jpeg;base64,AAAA', 'BBBB'];
    const body = { frames_base64: frames, options: { sample_rate: 5, start_time_ms: 0, end_time_ms: 10000, track_faces: false } };
    expect(parseWiaVideoRequest(body)).toEqual(body);
  });

  it('returns its own copy of the frames', () => {
    const frames = ['AAAA'];
    const request = parseWiaVideoRequest({ frames_base64: frames });
    frames.push('BBBB');
    expect(request.frames_base64).toEqual(['AAAA']);
  });

  it('accepts fractional times (frame times at 30 fps are not whole milliseconds) and a late start', () => {
    expect(parseWiaVideoRequest(withOptions({ start_time_ms: 33.3, end_time_ms: 66.6 })).options).toMatchObject({ start_time_ms: 33.3, end_time_ms: 66.6 });
    expect(parseWiaVideoRequest(withOptions({ start_time_ms: 5000 })).options.start_time_ms).toBe(5000);
  });

  it(`accepts exactly ${MAX_FRAMES_BASE64} frames`, () => {
    expect(parseWiaVideoRequest({ frames_base64: Array.from({ length: MAX_FRAMES_BASE64 }, () => 'AAAA') }).frames_base64).toHaveLength(MAX_FRAMES_BASE64);
  });

  it('counts a field whose value is undefined as absent', () => {
    expect(parseWiaVideoRequest({ ...URL_BODY, frames_base64: undefined, options: { sample_rate: undefined, end_time_ms: undefined } })).toEqual(
      parseWiaVideoRequest(URL_BODY),
    );
  });
});

describe('parseWiaVideoRequest names each invalid field', () => {
  const cases: [string, unknown, string, string?][] = [
    ['a null body', null, 'body'],
    ['an array body', [URL_BODY], 'body'],
    ['a string body', 'https://example.com/clip.mp4', 'body'],
    ['an unknown field', { ...URL_BODY, image_url: 'a.jpg' }, 'image_url'],
    ['no video', {}, 'video_url', 'missing_image'],
    ['options but no video', { options: {} }, 'video_url', 'missing_image'],
    ['both video fields', { ...URL_BODY, frames_base64: ['AAAA'] }, 'frames_base64'],
    ['a video_url that is not a string', { video_url: 42 }, 'video_url'],
    ['an empty video_url', { video_url: '' }, 'video_url', 'empty'],
    ['frames_base64 as a string', { frames_base64: 'AAAA' }, 'frames_base64'],
    ['frames_base64 as an object', { frames_base64: { 0: 'AAAA', length: 1 } }, 'frames_base64'],
    ['an empty frames_base64', { frames_base64: [] }, 'frames_base64', 'empty'],
    ['a frame that is not a string', { frames_base64: ['AAAA', 42] }, 'frames_base64.1'],
    ['an empty frame', { frames_base64: ['AAAA', 'BBBB', ''] }, 'frames_base64.2', 'empty'],
    // eslint-disable-next-line no-sparse-arrays
    ['a hole in frames_base64', { frames_base64: [, 'AAAA'] }, 'frames_base64.0'],
    ['too many frames', { frames_base64: Array.from({ length: MAX_FRAMES_BASE64 + 1 }, () => 'AAAA') }, 'frames_base64'],
    ['options that are not an object', withOptions('fast'), 'options'],
    ['options as an array', withOptions([]), 'options'],
    ['options null', withOptions(null), 'options'],
    ['an unknown option', withOptions({ max_faces: 1 }), 'options.max_faces'],
    ['a face option', withOptions({ return_landmarks: true }), 'options.return_landmarks'],
    ['track_faces as a string', withOptions({ track_faces: 'true' }), 'options.track_faces'],
    ['track_faces as a number', withOptions({ track_faces: 1 }), 'options.track_faces'],
    ['track_faces null', withOptions({ track_faces: null }), 'options.track_faces'],
  ];
  for (const value of [0, -1, Number.NaN, 1.5, '5', Infinity, -Infinity, true, null, [5], 5n]) {
    cases.push([`sample_rate ${String(value)}`, withOptions({ sample_rate: value }), 'options.sample_rate']);
  }
  for (const value of [-1, -0.001, Number.NaN, Infinity, '0', null, false, 0n]) {
    cases.push([`start_time_ms ${String(value)}`, withOptions({ start_time_ms: value }), 'options.start_time_ms']);
  }
  for (const value of [-1, Number.NaN, Infinity, '10000', null, 10n]) {
    cases.push([`end_time_ms ${String(value)}`, withOptions({ end_time_ms: value }), 'options.end_time_ms']);
  }
  cases.push(
    ['end_time_ms 0 (not after the default start 0)', withOptions({ end_time_ms: 0 }), 'options.end_time_ms'],
    ['end_time_ms equal to start_time_ms', withOptions({ start_time_ms: 500, end_time_ms: 500 }), 'options.end_time_ms'],
    ['end_time_ms before start_time_ms', withOptions({ start_time_ms: 5000, end_time_ms: 1000 }), 'options.end_time_ms'],
  );

  it.each(cases)('%s', (_, body, field, kind) => {
    const details = rejection(body);
    expect(details['field']).toBe(field);
    expect(details['kind']).toBe(kind);
    expect(details['reason']).toEqual(expect.any(String));
    expect(details['suggestion']).toEqual(expect.any(String));
  });

  it('says why an end_time_ms is not after the start', () => {
    expect(rejection(withOptions({ start_time_ms: 5000, end_time_ms: 1000 }))['reason']).toBe('got 1000, not after start_time_ms 5000');
  });
});

describe('an oversized frames_base64', () => {
  it('is rejected from its length alone, without reading an entry', () => {
    let entriesRead = 0;
    const frames = new Proxy(
      Array.from({ length: 10_000 }, () => 'AAAA'),
      {
        get(target, key, receiver) {
          if (key !== 'length') entriesRead++;
          return Reflect.get(target, key, receiver) as unknown;
        },
      },
    );
    const details = rejection({ frames_base64: frames });
    expect(details['field']).toBe('frames_base64');
    expect(details['reason']).toBe('got 10000 entries');
    expect(entriesRead).toBe(0);
  });

  it('is rejected by its length, however long it claims to be', () => {
    // A sparse array: were any entry read, the rejection would name it (frames_base64.0) rather than the array.
    expect(rejectedField({ frames_base64: new Array(4_000_000_000) })).toBe('frames_base64');
  });
});

describe('parseWiaVideoOptions and parseWiaFramesBase64 (the same rules, for a call’s own arguments)', () => {
  const field = (run: () => unknown): unknown => {
    try {
      run();
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_REQUEST' });
      return (error as EmoLensError).details['field'];
    }
    throw new Error('expected INVALID_REQUEST');
  };

  it('fills in the defaults, and gives what parseWiaVideoRequest gives for the body’s options', () => {
    expect(parseWiaVideoOptions(undefined)).toEqual(WIA_VIDEO_REQUEST_DEFAULTS);
    const options = { sample_rate: 5, start_time_ms: 100, end_time_ms: 900.5, track_faces: false };
    expect(parseWiaVideoOptions(options, '')).toEqual(parseWiaVideoRequest(withOptions(options)).options);
  });

  it.each([
    [{ sample_rate: 0 }, 'sample_rate'],
    [{ sample_rate: -1 }, 'sample_rate'],
    [{ sample_rate: Number.NaN }, 'sample_rate'],
    [{ start_time_ms: -1 }, 'start_time_ms'],
    [{ end_time_ms: Infinity }, 'end_time_ms'],
    [{ start_time_ms: 500, end_time_ms: 100 }, 'end_time_ms'],
    [{ track_faces: 'yes' }, 'track_faces'],
    [{ max_faces: 1 }, 'max_faces'],
  ])('names %o’s field without a prefix when the path is empty, and with the path otherwise', (options, name) => {
    expect(field(() => parseWiaVideoOptions(options, ''))).toBe(name);
    expect(field(() => parseWiaVideoOptions(options))).toBe(`options.${name}`);
  });

  it('names the options themselves when they are not an object', () => {
    expect(field(() => parseWiaVideoOptions(42, ''))).toBe('options');
    expect(field(() => parseWiaVideoOptions([], 'options'))).toBe('options');
  });

  it('copies a valid frames array and names a bad one or its entry', () => {
    const frames = ['AAAA', 'data:image/png;base64,AAAA'];
    const copy = parseWiaFramesBase64(frames);
    expect(copy).toEqual(frames);
    expect(copy).not.toBe(frames);
    expect(field(() => parseWiaFramesBase64([]))).toBe('frames_base64');
    expect(field(() => parseWiaFramesBase64(new Array(MAX_FRAMES_BASE64 + 1).fill('AAAA')))).toBe('frames_base64');
    expect(field(() => parseWiaFramesBase64(['AAAA', '']))).toBe('frames_base64.1');
    expect(field(() => parseWiaFramesBase64('AAAA'))).toBe('frames_base64');
  });
});

describe('a hostile video request body', () => {
  it('names the body when its keys cannot be listed', () => {
    expect(rejectedField(new Proxy(URL_BODY, { ownKeys: trap }))).toBe('body');
    expect(rejectedField(revoked())).toBe('body');
  });

  it('names the field whose getter throws', () => {
    expect(rejectedField(Object.defineProperty({}, 'video_url', { get: trap, enumerable: true }))).toBe('video_url');
    expect(rejectedField(Object.defineProperty({}, 'frames_base64', { get: trap, enumerable: true }))).toBe('frames_base64');
    expect(rejectedField(Object.defineProperty({ ...URL_BODY }, 'options', { get: trap, enumerable: true }))).toBe('options');
  });

  it('names frames_base64, or its entry, when it cannot be read', () => {
    expect(rejectedField({ frames_base64: new Proxy(['AAAA'], { get: trap }) })).toBe('frames_base64');
    const uncountable = new Proxy(['AAAA'], { get: (target, key) => (key === 'length' ? 'many' : Reflect.get(target, key) as unknown) });
    expect(rejectedField({ frames_base64: uncountable })).toBe('frames_base64');
    expect(rejectedField({ frames_base64: Object.defineProperty(['AAAA', 'BBBB', 'CCCC'], 2, { get: trap }) })).toBe('frames_base64.2');
    expect(rejectedField({ frames_base64: revoked() })).toBe('frames_base64');
  });

  it('names the options, or the option, that cannot be read', () => {
    expect(rejectedField(withOptions(new Proxy({}, { ownKeys: trap })))).toBe('options');
    expect(rejectedField(withOptions(revoked()))).toBe('options');
    expect(rejectedField(withOptions(Object.defineProperty({}, 'sample_rate', { get: trap, enumerable: true })))).toBe('options.sample_rate');
    expect(rejectedField(withOptions({ end_time_ms: revoked() }))).toBe('options.end_time_ms');
  });

  it('survives values that cannot be shown, BigInt, symbols and cycles', () => {
    const unprintable = new Proxy({}, { get: trap });
    const throwsUnprintable = Object.defineProperty({}, 'video_url', {
      enumerable: true,
      get: () => {
        throw unprintable;
      },
    });
    expect(rejection(throwsUnprintable)['reason']).toBe('reading it threw: a value that cannot be shown');
    expect(rejectedField({ video_url: 1n })).toBe('video_url');
    expect(rejectedField({ video_url: Symbol('url') })).toBe('video_url');
    expect(rejectedField({ frames_base64: [Symbol('frame')] })).toBe('frames_base64.0');
    expect(rejectedField(withOptions({ track_faces: Symbol('yes') }))).toBe('options.track_faces');
    expect(parseWiaVideoRequest({ ...URL_BODY, [Symbol('extra')]: 1 }).video_url).toBe(URL_BODY.video_url); // JSON has no symbol keys
    const cyclic: Record<string, unknown> = { ...URL_BODY };
    cyclic['options'] = cyclic;
    expect(rejectedField(cyclic)).toBe('options.video_url');
    const frames: unknown[] = [];
    frames.push(frames);
    expect(rejectedField({ frames_base64: frames })).toBe('frames_base64.0');
  });

  it('reads each value once', () => {
    let reads = 0;
    const body = Object.defineProperty({}, 'video_url', { enumerable: true, get: () => (reads++ === 0 ? 'a.mp4' : 42) });
    expect(parseWiaVideoRequest(body).video_url).toBe('a.mp4');
    expect(reads).toBe(1);
    let frameReads = 0;
    const frames = Object.defineProperty(['AAAA'], 0, { get: () => (frameReads++ === 0 ? 'AAAA' : 42) });
    expect(parseWiaVideoRequest({ frames_base64: frames }).frames_base64).toEqual(['AAAA']);
    expect(frameReads).toBe(1);
  });

  it('returns or throws an EmoLensError for anything', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything({ withBigInt: true, withNullPrototype: true, withBoxedValues: true, withSparseArray: true }),
          fc.record({ video_url: fc.anything({ withBigInt: true }), options: fc.anything({ withBigInt: true }) }, { requiredKeys: [] }),
          fc.record({
            frames_base64: fc.array(fc.anything({ withBigInt: true }), { maxLength: 4 }),
            options: fc.dictionary(fc.constantFrom('sample_rate', 'start_time_ms', 'end_time_ms', 'track_faces', 'x'), fc.anything({ withBigInt: true })),
          }),
        ),
        (body) => {
          try {
            parseWiaVideoRequest(body);
          } catch (error) {
            expect(error).toBeInstanceOf(EmoLensError);
            expect((error as EmoLensError).code).toBe('INVALID_REQUEST');
            expect((error as EmoLensError).details['field']).toEqual(expect.any(String));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// summarizeTimeline

/**
 * A face as the SDK builds it: all seven labels sorted, `label` primary with `confidence`, the rest spread over the
 * others (binary fractions, so sums are exact).
 */
function face(face_id: number, label: WiaEmotion, confidence = 0.5, dimensions?: WiaDimensions): WiaFace {
  const others = WIA_EMOTIONS.filter((l) => l !== label);
  const all = [{ label, confidence }, ...others.map((l, i) => ({ label: l, confidence: i === 0 ? 1 - confidence : 0 }))];
  const bbox = { x: 10, y: 20, width: 100, height: 120 };
  return { face_id, bbox, emotions: { primary: { label, confidence }, all }, ...(dimensions ? { dimensions } : {}) };
}

const frame = (timestamp_ms: number, ...faces: WiaFace[]): WiaVideoFrame => ({ timestamp_ms, faces });

describe('summarizeTimeline', () => {
  it('is null for what was never seen, with no transitions', () => {
    const nothing = { dominant_emotion: null, average_valence: null, average_arousal: null, emotion_transitions: 0 };
    expect(summarizeTimeline([])).toEqual(nothing);
    expect(summarizeTimeline([frame(0), frame(833), frame(1667)])).toEqual(nothing);
  });

  it('takes the dominant emotion from every face of every frame', () => {
    const timeline = [
      frame(0, face(0, 'happiness'), face(1, 'sadness')),
      frame(833, face(0, 'sadness'), face(1, 'sadness')),
      frame(1667, face(0, 'happiness')),
    ];
    expect(summarizeTimeline(timeline).dominant_emotion).toBe('sadness');
  });

  it('breaks a tie of counts by summed confidence, then by WIA order', () => {
    // happiness 0.5 + 0.5 = 1, anger 0.75 + 0.375 = 1.125
    const byConfidence = [frame(0, face(0, 'happiness', 0.5), face(1, 'anger', 0.75)), frame(100, face(0, 'happiness', 0.5), face(1, 'anger', 0.375))];
    expect(summarizeTimeline(byConfidence).dominant_emotion).toBe('anger');
    // neutral and sadness tie on both: sadness comes first in WIA_EMOTIONS
    const full = [frame(0, face(0, 'neutral', 0.75)), frame(100, face(0, 'sadness', 0.75))];
    expect(summarizeTimeline(full).dominant_emotion).toBe('sadness');
    expect(summarizeTimeline([...full].reverse()).dominant_emotion).toBe('sadness');
  });

  it('counts transitions per face, not between faces of a frame', () => {
    const timeline = [
      frame(0, face(0, 'happiness'), face(1, 'neutral')),
      frame(100, face(0, 'happiness'), face(1, 'neutral')),
      frame(200, face(0, 'sadness'), face(1, 'neutral')),
      frame(300, face(0, 'happiness'), face(1, 'neutral')),
    ];
    // face 0: happiness → happiness → sadness → happiness = 2; face 1: none
    expect(summarizeTimeline(timeline).emotion_transitions).toBe(2);
    // Two faces that always differ from each other are not transitions.
    const apart = [frame(0, face(0, 'anger'), face(1, 'fear')), frame(100, face(0, 'anger'), face(1, 'fear'))];
    expect(summarizeTimeline(apart).emotion_transitions).toBe(0);
  });

  it('continues a face’s sequence when it leaves and comes back under the same id', () => {
    expect(summarizeTimeline([frame(0, face(3, 'happiness')), frame(100), frame(200, face(3, 'surprise'))]).emotion_transitions).toBe(1);
    const back = [frame(0, face(3, 'happiness')), frame(100, face(4, 'anger')), frame(200, face(3, 'happiness'))];
    expect(summarizeTimeline(back).emotion_transitions).toBe(0);
    // A face seen once adds nothing; a new id does not continue another's sequence.
    expect(summarizeTimeline([frame(0, face(0, 'happiness')), frame(100, face(1, 'disgust'))]).emotion_transitions).toBe(0);
  });

  it('averages valence and arousal over the faces that have dimensions, each observation once', () => {
    const timeline = [
      frame(0, face(0, 'happiness', 0.5, { valence: 0.75, arousal: 0.5 }), face(1, 'neutral')),
      frame(100, face(0, 'happiness', 0.5, { valence: 0.25, arousal: 0.25 })),
      frame(200, face(0, 'sadness', 0.5, { valence: -0.5, arousal: 0 })),
    ];
    expect(summarizeTimeline(timeline)).toEqual({
      dominant_emotion: 'happiness',
      average_valence: 0.5 / 3,
      average_arousal: 0.25,
      emotion_transitions: 1,
    });
  });

  it('has a dominant emotion but no averages when no face has dimensions', () => {
    expect(summarizeTimeline([frame(0, face(0, 'fear')), frame(100, face(0, 'fear'))])).toEqual({
      dominant_emotion: 'fear',
      average_valence: null,
      average_arousal: null,
      emotion_transitions: 0,
    });
  });

  it('does not change the timeline', () => {
    const timeline = [frame(0, face(0, 'happiness', 0.5, { valence: 0.5, arousal: 0.5 })), frame(100, face(0, 'anger'))];
    const copy = JSON.parse(JSON.stringify(timeline)) as unknown;
    summarizeTimeline(timeline);
    expect(timeline).toEqual(copy);
  });
});

// ---------------------------------------------------------------------------------------------------------
// JSON Schemas

// import(), not node:fs: this package typechecks without Node's types (it is for browsers), and a static import
// would reach outside its rootDir.
const schemaFile = async (name: string) => ((await import(`../schemas/${name}.schema.json`)) as { default: Record<string, unknown> }).default;
const ajv = new Ajv2020({ strict: true, allErrors: true });
// The video result refers to the face result's face by a $ref relative to its own file.
ajv.addSchema(await schemaFile('wia-face-result'), 'wia-face-result.schema.json');
const requestSchema = await schemaFile('wia-video-request');
const validateRequest = ajv.compile(requestSchema);
const validateResult = ajv.compile(await schemaFile('wia-video-result'));

/** A result as the SDK would build it, its summary from summarizeTimeline, after a JSON round trip. */
function result(timeline: WiaVideoFrame[], extra: Partial<WiaVideoResult> = {}): unknown {
  const value: WiaVideoResult = {
    request_id: 'req_video123',
    processing_time_ms: 812.5,
    duration_ms: 10000,
    frame_count: timeline.length * 5,
    analyzed_frames: timeline.length,
    timeline,
    summary: summarizeTimeline(timeline),
    ...extra,
  };
  return JSON.parse(JSON.stringify(value)) as unknown;
}

function expectValidResult(value: unknown): void {
  expect(validateResult(value), `${ajv.errorsText(validateResult.errors)} for ${JSON.stringify(value)}`).toBe(true);
}

const RICH = [
  frame(0, face(0, 'happiness', 0.75, { valence: 0.72, arousal: 0.45 }), face(1, 'neutral')),
  frame(833, {
    ...face(0, 'surprise', 0.5, { valence: 0.25, arousal: 0.875 }),
    landmarks: [{ x: 150.25, y: 120.5, z: -3.1 }],
    head_pose: { yaw: 12.5, pitch: -4, roll: 1.2 },
  }),
  frame(1667),
];

describe('wia-video-result.schema.json', () => {
  it('accepts results summarised by summarizeTimeline', () => {
    expectValidResult(result(RICH));
    expectValidResult(result([]));
    expectValidResult(result([frame(0), frame(500)]));
    expectValidResult(result([frame(0, face(0, 'fear')), frame(100, face(0, 'disgust'))]));
  });

  it('rejects malformed results', () => {
    const good = result(RICH) as Record<string, unknown>;
    const summary = good['summary'] as Record<string, unknown>;
    const timeline = good['timeline'] as Record<string, unknown>[];
    const firstFace = (timeline[0]!['faces'] as Record<string, unknown>[])[0]!;
    const bad: unknown[] = [
      { ...good, summary: { ...summary, dominant_emotion: 'joy' } },
      { ...good, summary: { ...summary, average_valence: 1.5 } },
      { ...good, summary: { ...summary, average_arousal: -0.25 } },
      { ...good, summary: { ...summary, emotion_transitions: -1 } },
      { ...good, summary: { ...summary, emotion_transitions: 1.5 } },
      { ...good, summary: { ...summary, dominant_emotion: undefined } },
      { ...good, summary: { ...summary, mood: 'good' } },
      { ...good, frame_count: 2.5 },
      { ...good, duration_ms: -1 },
      { ...good, video_url: 'a.mp4' },
      { ...good, timeline: [{ ...timeline[0], frame_index: 0 }] },
      { ...good, timeline: [{ faces: [] }] },
      { ...good, timeline: [{ timestamp_ms: 0, faces: [{ ...firstFace, emotions: undefined }] }] },
      { ...good, timeline: [{ timestamp_ms: 0, faces: [{ ...firstFace, expression: 'happy' }] }] },
    ];
    for (const key of ['request_id', 'processing_time_ms', 'duration_ms', 'frame_count', 'analyzed_frames', 'timeline', 'summary']) {
      bad.push({ ...good, [key]: undefined });
    }
    for (const value of bad) expect(validateResult(JSON.parse(JSON.stringify(value))), `should reject ${JSON.stringify(value)}`).toBe(false);
  });
});

describe('wia-video-request.schema.json', () => {
  it('states the parser’s maximum and defaults', () => {
    const properties = requestSchema['properties'] as Record<string, Record<string, unknown>>;
    expect(properties['frames_base64']!['maxItems']).toBe(MAX_FRAMES_BASE64);
    const options = properties['options']!['properties'] as Record<string, Record<string, unknown>>;
    const defaults = Object.fromEntries(Object.entries(options).flatMap(([key, option]) => ('default' in option ? [[key, option['default']]] : [])));
    expect(defaults).toEqual(WIA_VIDEO_REQUEST_DEFAULTS);
  });

  it('agrees with parseWiaVideoRequest on JSON bodies', () => {
    const accepts = (body: unknown) => {
      try {
        parseWiaVideoRequest(body);
        return true;
      } catch {
        return false;
      }
    };
    const bodies: unknown[] = [
      URL_BODY,
      { frames_base64: ['AAAA', 'BBBB'] },
      { frames_base64: ['AAAA'], options: { sample_rate: 5, start_time_ms: 0, end_time_ms: 10000, track_faces: true } },
      withOptions({ start_time_ms: 33.3 }),
      withOptions({}),
      {},
      { options: {} },
      { ...URL_BODY, frames_base64: ['AAAA'] },
      { video_url: '' },
      { frames_base64: [] },
      { frames_base64: [''] },
      { frames_base64: ['AAAA', 1] },
      { frames_base64: Array.from({ length: MAX_FRAMES_BASE64 + 1 }, () => 'A') },
      { ...URL_BODY, extra: 1 },
      withOptions({ sample_rate: 0 }),
      withOptions({ sample_rate: 1.5 }),
      withOptions({ sample_rate: '5' }),
      withOptions({ start_time_ms: -1 }),
      withOptions({ end_time_ms: 0 }),
      withOptions({ track_faces: 'yes' }),
      withOptions({ max_faces: 1 }),
      withOptions(null),
      [],
      null,
    ];
    for (const body of bodies) expect(validateRequest(body), JSON.stringify(body)).toBe(accepts(body));
    // The one rule JSON Schema cannot state: end_time_ms after start_time_ms.
    const late = withOptions({ start_time_ms: 5000, end_time_ms: 1000 });
    expect([validateRequest(late), accepts(late)]).toEqual([true, false]);
  });
});
