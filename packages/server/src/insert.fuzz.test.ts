/**
 * Property-based fuzzing of the server's input handling, as a hostile client would try it, through `app.inject()`:
 * mutated `/insert` bodies (fields dropped, added, retyped; unicode, control characters, long strings, deep
 * nesting, prototype keys; corrupted base64; image bytes truncated, flipped, of other formats or announcing giant
 * dimensions), hostile headers (Content-Type, Idempotency-Key, X-Request-ID, X-API-Key, Content-Length) and URLs,
 * concurrent bursts sharing idempotency keys, raw non-JSON bodies, and hostile `GET /load` query strings.
 *
 * The property for every request: the answer is a success (201 with exactly one more row and one more image, or a
 * replay that stores nothing; 200 for /load) or a 4xx WIA error body (the shared schema, `request_id` equal to
 * `X-Request-ID`) that stored nothing — never a 5xx, never a hang, never a path or a stack frame in the body.
 *
 * Seeded and short by default (it runs with `pnpm test`); `FUZZ_RUNS=N FUZZ_SEED=S` make a long run, as
 * `pnpm fuzz` does for the `*.property.test.ts` files. A failure prints its shrunk counterexample and seed; the ones
 * found so far are pinned as `examples` of their property.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { LightMyRequestResponse } from 'fastify';
import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertBody, makeJpeg, pngHeader, startTestServer, type TestServer } from './server.fixture.js';

/** Runs of each property: seeded, so a failure reproduces; `FUZZ_RUNS`/`FUZZ_SEED` make a long run. */
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261127);
const runs = (fallback: number) => ({ seed: SEED, numRuns: Number(process.env['FUZZ_RUNS'] ?? fallback) });
/** A test's time limit for `fallback` runs (or FUZZ_RUNS): a long run must not hit vitest's default. */
const timeout = (fallback: number, msPerRun = 100) => 60_000 + runs(fallback).numRuns * msPerRun;

/** The shared WIA error schema of `@emolens/schema`, as the SDK's clients parse it. */
const wiaError = new Ajv2020({ strict: true }).compile(
  JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@emolens/schema/schemas/wia-error.schema.json'), 'utf8')) as object,
);

/** What must never reach a client: file paths, module paths, stack frames. */
const INTERNAL = /\/work\/|\/tmp\/|\/home\/|node_modules|emolens-server-test|\n\s+at |\bat .*\.[cm]?[jt]s:\d+|"stack"\s*:|file:\/\//;
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** A request that takes longer than this is a hang. */
const HANG_MS = 20_000;

const API_KEY = 'fuzz-key-0123456789abcdef';

// ---------------------------------------------------------------------------------------------------------------
// Raw JSON text: what JSON.stringify cannot write (-0, 1e400, NaN…) or would overflow its stack on (10,000 levels of
// nesting) goes into the body as a marker string that `serialize` replaces with the text itself.

const RAW = '\u{E000}raw\u{E000}';
const RAW_PATTERN = new RegExp(`"${RAW}(\\d+)${RAW}"`, 'gu');
let rawTexts: string[] = [];

/** A piece of JSON text, put in the body as it is. */
class Raw {
  constructor(
    readonly text: () => string,
    readonly label: string,
  ) {}
  toJSON(): string {
    rawTexts.push(this.text());
    return `${RAW}${rawTexts.length - 1}${RAW}`;
  }
  [fc.toStringMethod](): string {
    return this.label;
  }
}
const raw = (token: string): Raw => new Raw(() => token, `raw(${token})`);

/** JSON text of `value`, with the raw texts put in. */
function serialize(value: unknown): string {
  rawTexts = [];
  return JSON.stringify(value).replace(RAW_PATTERN, (_, index: string) => rawTexts[Number(index)]!);
}

/** Sets an own enumerable property, `__proto__` included (an assignment would set the prototype instead). */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

// ---------------------------------------------------------------------------------------------------------------
// Hostile values.

const FIELDS = [
  'image_base64',
  'predicted_boredom',
  'predicted_confusion',
  'predicted_engagement',
  'predicted_frustration',
  'user_boredom',
  'user_confusion',
  'user_engagement',
  'user_frustration',
  'predicted_emotion',
  'user_emotion',
  'predicted_probabilities',
  'wia_face',
  'meta',
] as const;
const LABELS = ['happiness', 'sadness', 'anger', 'fear', 'disgust', 'surprise', 'neutral'] as const;

/** Valid WIA emotions. */
const FACE_EMOTIONS = {
  primary: { label: 'happiness', confidence: 0.7 },
  all: ['happiness', 'neutral', 'surprise', 'sadness', 'anger', 'fear', 'disgust'].map((label, i) => ({ label, confidence: i === 0 ? 0.7 : 0.05 })),
};

/** A valid face, so a body with extensions can succeed. */
const FACE = {
  face_id: 0,
  bbox: { x: 1, y: 2, width: 30, height: 40 },
  emotions: FACE_EMOTIONS,
  dimensions: { valence: 0.5, arousal: 0.4 },
  head_pose: { yaw: 1, pitch: 2, roll: 3 },
};

/** Strings a parser, a database or a log line may choke on. */
const nastyString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\udfff',
    'x\ud83dy',
    '\u2028\u2029',
    '\ufeff',
    '\u202e',
    '\u0007\u001b[31m',
    '\\u0000',
    '%00',
    '../../etc/passwd',
    "'; DROP TABLE annotations; --",
    '<script>alert(1)</script>',
    '${process.env}',
    '{{7*7}}',
    'happiness ',
    'HAPPINESS',
    '😀'.repeat(200),
    'é'.repeat(257),
    'x'.repeat(256),
    'x'.repeat(257),
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
  fc.constantFrom(1_000, 70_000, 400_000).map((n) => 'x'.repeat(n)),
);

/** Numbers at and past the edges of every numeric field, and tokens that are not JSON numbers. */
const nastyNumber = fc.oneof(
  fc.constantFrom(0, 1, 3, 1.5, -1, -0.1, 3.0000001, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 53 + 1, 5e-324, -5e-324, 1e-300, 0.1 + 0.2),
  fc.constantFrom('-0', '-0.0', '0e99999', '1e400', '-1e400', '1e-400', '3.0000000000000000001', '2.99999999999999999999', '1E0', '0.0e-0').map(raw),
  fc.double(),
  fc.integer(),
);
/** Tokens that make the body invalid JSON (the answer must be `invalid_json`, not a crash). */
const notJsonToken = fc.constantFrom('NaN', 'Infinity', '-Infinity', '0x10', '01', '.5', '+1', '1.', 'undefined', "'x'", '[1,]', '{"a":1,}', '/*c*/1', 'tru').map(raw);

/** `depth` levels of arrays, objects or both around a 1, as raw JSON text. */
function deepJson(depth: number, kind: 'array' | 'object' | 'mixed'): Raw {
  const open = (i: number) => (kind === 'array' || (kind === 'mixed' && i % 2 === 0) ? '[' : '{"a":');
  const close = (i: number) => (kind === 'array' || (kind === 'mixed' && i % 2 === 0) ? ']' : '}');
  const levels = Array.from({ length: depth }, (_, i) => i);
  return new Raw(() => `${levels.map(open).join('')}1${levels.reverse().map(close).join('')}`, `deep(${depth}, ${kind})`);
}
const deep = fc.tuple(fc.constantFrom(2, 10, 100, 1_000, 10_000, 100_000), fc.constantFrom('array', 'object', 'mixed') as fc.Arbitrary<'array' | 'object' | 'mixed'>).map(([d, k]) => deepJson(d, k));

/** `make`, printed as `label` in a counterexample. */
function labelled<T>(label: string, make: () => T): () => T {
  return Object.assign(make, { [fc.toStringMethod]: () => label });
}

/** A prototype-polluting object: own `__proto__`/`constructor` keys. */
const protoObject = fc.constantFrom('__proto__', 'constructor', 'prototype').map((key) => {
  const target: Record<string, unknown> = {};
  define(target, key, key === 'constructor' ? { prototype: { polluted: true } } : { polluted: true });
  return target;
});

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: nastyNumber },
  { weight: 3, arbitrary: nastyString },
  { weight: 1, arbitrary: notJsonToken },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [1, 2], { a: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom(...LABELS) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: protoObject },
);

/** Keys a body may be given: the real ones, near misses, prototype keys, anything. */
const anyKey = fc.oneof(
  fc.constantFrom(...FIELDS),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', 'image_base64 ', 'IMAGE_BASE64', 'a.b', '../x', 'x'.repeat(65), 'x'.repeat(64), '\u0000', 'é'),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
/** Keys inside the nested objects: meta's allowed pattern, near it, and the prototype keys. */
const nestedKey = fc.oneof(
  fc.constantFrom('session', 'face_id', 'bbox', 'emotions', 'primary', 'all', 'label', 'confidence', 'happiness', 'x', 'dimensions', 'head_pose', 'landmarks', 'raw', 'action_units'),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'a.b', 'x'.repeat(64), 'x'.repeat(65), '', '$ref', '0'),
  fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/),
  fc.string({ unit: 'binary', maxLength: 8 }),
);

// ---------------------------------------------------------------------------------------------------------------
// Image mutations.

const MAGIC: Record<string, Buffer> = {
  gif: Buffer.from('GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;', 'latin1'),
  bmp: Buffer.concat([Buffer.from('BM', 'ascii'), Buffer.alloc(60)]),
  tiffLE: Buffer.concat([Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0, 0, 0]), Buffer.alloc(40)]),
  tiffBE: Buffer.concat([Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]), Buffer.alloc(40)]),
  svg: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"><rect width="1" height="1"/></svg>'),
  pdf: Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF'),
  zeros: Buffer.alloc(64),
  heic: Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic', 'ascii'), Buffer.alloc(40)]),
  jpegMagicOnly: Buffer.from([0xff, 0xd8, 0xff]),
  jpegThenSvg: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')]),
  pngSignatureOnly: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  riffWebpOnly: Buffer.from('RIFF\x04\x00\x00\x00WEBP', 'latin1'),
};

/** A WebP VP8X header announcing a `width × height` canvas, and nothing to decode. */
function webpCanvas(width: number, height: number): Buffer {
  const vp8x = Buffer.alloc(10);
  vp8x.writeUIntLE(width - 1, 4, 3);
  vp8x.writeUIntLE(height - 1, 7, 3);
  const chunk = Buffer.concat([Buffer.from('VP8X', 'ascii'), Buffer.from([10, 0, 0, 0]), vp8x]);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(4 + chunk.length);
  return Buffer.concat([Buffer.from('RIFF', 'ascii'), size, Buffer.from('WEBP', 'ascii'), chunk]);
}

/** `jpeg` with the dimensions in its first SOF segment replaced. */
function jpegWithSize(jpeg: Buffer, width: number, height: number): Buffer {
  const copy = Buffer.from(jpeg);
  for (let i = 2; i + 9 < copy.length; ) {
    if (copy[i] !== 0xff) break;
    const marker = copy[i + 1]!;
    const length = copy.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      copy.writeUInt16BE(height, i + 5);
      copy.writeUInt16BE(width, i + 7);
      return copy;
    }
    i += 2 + length;
  }
  return copy;
}

const SIDES = [0, 1, 4096, 4097, 16_384, 65_535] as const;
const BIG_SIDES = [0, 1, 4096, 4097, 65_535, 2 ** 31 - 1, 2 ** 32 - 1] as const;

type ImageOp =
  | { op: 'truncate'; at: number }
  | { op: 'flip'; flips: [number, number][] }
  | { op: 'magic'; name: string }
  | { op: 'prefix'; name: string }
  | { op: 'append'; bytes: number[] }
  | { op: 'png'; width: number; height: number }
  | { op: 'jpegSize'; width: number; height: number }
  | { op: 'webp'; width: number; height: number }
  | { op: 'format'; format: 'png' | 'webp' | 'jpeg' };

const imageOp: fc.Arbitrary<ImageOp> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat({ max: 20_000 }) }),
  fc.record({ op: fc.constant('flip' as const), flips: fc.array(fc.tuple(fc.nat({ max: 20_000 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant('magic' as const), name: fc.constantFrom(...Object.keys(MAGIC)) }),
  fc.record({ op: fc.constant('prefix' as const), name: fc.constantFrom(...Object.keys(MAGIC)) }),
  fc.record({ op: fc.constant('append' as const), bytes: fc.array(fc.nat({ max: 255 }), { maxLength: 64 }) }),
  fc.record({ op: fc.constant('png' as const), width: fc.constantFrom(...BIG_SIDES), height: fc.constantFrom(...BIG_SIDES) }),
  fc.record({ op: fc.constant('jpegSize' as const), width: fc.constantFrom(...SIDES), height: fc.constantFrom(...SIDES) }),
  fc.record({ op: fc.constant('webp' as const), width: fc.constantFrom(1, 4096, 4097, 16_383, 16_384), height: fc.constantFrom(1, 4096, 4097, 16_384) }),
  fc.record({ op: fc.constant('format' as const), format: fc.constantFrom('png', 'webp', 'jpeg') as fc.Arbitrary<'png' | 'webp' | 'jpeg'> }),
);

// ---------------------------------------------------------------------------------------------------------------
// Base64 corruptions.

const B64_JUNK = [' ', '\n', '\r\n', '\t', '=', '==', '-', '_', '.', '!', '%', 'é', '\u0000', '\ufeff', '+', '/', 'A'];
type B64Op =
  | { op: 'truncate'; at: number }
  | { op: 'set'; at: number; char: string }
  | { op: 'insert'; at: number; text: string }
  | { op: 'dataUrl' }
  | { op: 'url' }
  | { op: 'unpad' }
  | { op: 'pad'; pad: string }
  | { op: 'replace'; text: string };

const b64Op: fc.Arbitrary<B64Op> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat({ max: 30_000 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat({ max: 30_000 }), char: fc.constantFrom(...B64_JUNK) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat({ max: 30_000 }), text: fc.constantFrom(...B64_JUNK) }),
  fc.constant({ op: 'dataUrl' as const }),
  fc.constant({ op: 'url' as const }),
  fc.constant({ op: 'unpad' as const }),
  fc.record({ op: fc.constant('pad' as const), pad: fc.constantFrom('=', '==', '===', '====', 'A=', 'AA==') }),
  fc.record({ op: fc.constant('replace' as const), text: fc.oneof(fc.constantFrom('', 'A', 'AA', 'AAA', 'AAAA', 'AA==', 'AAA=', '====', 'A===', '////', '++++'), fc.base64String({ maxLength: 64 }), fc.string({ maxLength: 12 })) }),
);

function corruptBase64(text: string, op: B64Op): string {
  const at = (n: number) => (text.length === 0 ? 0 : n % (text.length + 1));
  switch (op.op) {
    case 'truncate':
      return text.slice(0, at(op.at));
    case 'set':
      return text.slice(0, at(op.at)) + op.char + text.slice(at(op.at) + 1);
    case 'insert':
      return text.slice(0, at(op.at)) + op.text + text.slice(at(op.at));
    case 'dataUrl':
      return `data:image/jpeg;base64,${text}`;
    case 'url':
      return text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    case 'unpad':
      return text.replace(/=+$/, '');
    case 'pad':
      return text + op.pad;
    case 'replace':
      return op.text;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Body mutations.

type BodyOp =
  | { op: 'drop'; field: string }
  | { op: 'set'; key: string; value: unknown }
  | { op: 'nested'; field: 'wia_face' | 'meta' | 'predicted_probabilities'; path: string[]; value: unknown }
  | { op: 'image'; ops: ImageOp[] }
  | { op: 'base64'; ops: B64Op[] }
  | { op: 'replaceBody'; value: unknown };

/** Paths into a valid WIA face, so that one change to it is the only thing wrong (or nothing is). */
const FACE_PATHS = [
  ['face_id'],
  ['bbox'],
  ['bbox', 'x'],
  ['bbox', 'width'],
  ['emotions', 'primary'],
  ['emotions', 'primary', 'label'],
  ['emotions', 'primary', 'confidence'],
  ['emotions', 'all'],
  ['emotions', 'all', '0'],
  ['emotions', 'all', '0', 'label'],
  ['emotions', 'all', '6', 'confidence'],
  ['emotions', 'all', '7'],
  ['dimensions', 'valence'],
  ['dimensions', 'arousal'],
  ['head_pose', 'yaw'],
  ['landmarks'],
  ['landmarks', '0'],
  ['landmarks', '0', 'x'],
  ['action_units'],
  ['raw'],
  ['raw', 'emotions'],
];
/** Values a face field may be given on top of the hostile ones: landmark arrays, action units, valid sub-objects. */
const faceValue = fc.oneof(
  anyValue,
  fc.constantFrom(0, 1, 468, 20_000).map((n) => Array.from({ length: n }, (_, i) => ({ x: i, y: -i, z: i / 3 }))),
  fc.constantFrom([{ au: 'AU1', intensity: 0.5 }], [{ au: 'AU99999999999999999999', intensity: 1 }], [{ au: 'AU1\n', intensity: 0 }]),
  fc.constantFrom(structuredClone(FACE_EMOTIONS), { emotions: structuredClone(FACE_EMOTIONS) }, { emotions: structuredClone(FACE_EMOTIONS), dimensions: { valence: -1, arousal: 1 } }),
  fc.record({ x: nastyNumber, y: nastyNumber, z: nastyNumber }),
);
/** Keys meta allows (`^[A-Za-z0-9_.-]{1,64}$`), near misses, and prototype keys. */
const metaKey = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/) },
  { weight: 1, arbitrary: fc.constantFrom('constructor', 'prototype', 'toString', 'valueOf', '__proto__', '..', '.', '-', 'x'.repeat(65), '', 'a b', 'é', 'a/b', 'a\u0000') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
);
/** Values for one meta entry: mostly strings and numbers that the schema allows, then anything. */
const metaValue = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  { weight: 2, arbitrary: nastyNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false) },
  { weight: 1, arbitrary: anyValue },
);

const nestedOp: fc.Arbitrary<BodyOp> = fc.oneof(
  fc.record({ op: fc.constant('nested' as const), field: fc.constant('meta' as const), path: fc.tuple(metaKey), value: metaValue }),
  fc.record({ op: fc.constant('nested' as const), field: fc.constant('wia_face' as const), path: fc.constantFrom(...FACE_PATHS), value: faceValue }),
  fc.record({ op: fc.constant('nested' as const), field: fc.constant('predicted_probabilities' as const), path: fc.tuple(fc.oneof(fc.constantFrom(...LABELS), nestedKey)), value: nastyNumber }),
  fc.record({
    op: fc.constant('nested' as const),
    field: fc.constantFrom('wia_face', 'meta', 'predicted_probabilities') as fc.Arbitrary<'wia_face' | 'meta' | 'predicted_probabilities'>,
    path: fc.array(nestedKey, { minLength: 1, maxLength: 4 }),
    value: anyValue,
  }),
);

const bodyOp: fc.Arbitrary<BodyOp> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ op: fc.constant('drop' as const), field: fc.constantFrom(...FIELDS) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('set' as const), key: anyKey, value: anyValue }) },
  { weight: 4, arbitrary: nestedOp },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('image' as const), ops: fc.array(imageOp, { minLength: 1, maxLength: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('base64' as const), ops: fc.array(b64Op, { minLength: 1, maxLength: 3 }) }) },
  // Past the body limit (12 MiB), or just under it with an image that is 8 MB of zeros.
  { weight: 1, arbitrary: fc.record({ op: fc.constant('set' as const), key: fc.constant('image_base64'), value: fc.constantFrom(11_000_000, 13_000_000).map((n) => new Raw(() => `"${'A'.repeat(n)}"`, `"A" × ${n}`)) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('replaceBody' as const), value: fc.oneof(anyValue, fc.constant(null), fc.constant([]), protoObject) }) },
);

/** Mostly one mutation, so that it is the only thing wrong with the body; sometimes a few. */
const bodyOps = fc.oneof({ weight: 3, arbitrary: fc.tuple(bodyOp).map((ops): BodyOp[] => ops) }, { weight: 1, arbitrary: fc.array(bodyOp, { minLength: 2, maxLength: 4 }) });

interface Images {
  jpeg: Buffer;
  png: Buffer;
  webp: Buffer;
}

function mutateImage(base: Buffer, op: ImageOp, images: Images): Buffer {
  switch (op.op) {
    case 'truncate':
      return base.subarray(0, base.length === 0 ? 0 : op.at % (base.length + 1));
    case 'flip': {
      const copy = Buffer.from(base);
      for (const [index, mask] of op.flips) if (copy.length > 0) copy[index % copy.length] = copy[index % copy.length]! ^ mask;
      return copy;
    }
    case 'magic':
      return MAGIC[op.name]!;
    case 'prefix':
      return Buffer.concat([MAGIC[op.name]!, base]);
    case 'append':
      return Buffer.concat([base, Buffer.from(op.bytes)]);
    case 'png':
      return pngHeader(op.width, op.height);
    case 'jpegSize':
      return jpegWithSize(base[0] === 0xff ? base : images.jpeg, op.width, op.height);
    case 'webp':
      return webpCanvas(op.width, op.height);
    case 'format':
      return images[op.format];
  }
}

/** A valid body, plain or with every extension. */
function baseBody(jpeg: Buffer, extensions: boolean): Record<string, unknown> {
  const body = insertBody(jpeg) as unknown as Record<string, unknown>;
  if (!extensions) return body;
  return {
    ...body,
    predicted_emotion: 'happiness',
    user_emotion: 'surprise',
    predicted_probabilities: { happiness: 0.7, sadness: 0.05, anger: 0.05, fear: 0.05, disgust: 0.05, surprise: 0.05, neutral: 0.05 },
    wia_face: structuredClone(FACE),
    meta: { session: 'abc', device: 'laptop', frame: 12, mirrored: true, note: null },
  };
}

/** The body `ops` make of a valid one, as JSON text. */
function mutatedBody(images: Images, extensions: boolean, ops: BodyOp[]): string {
  let body: unknown = baseBody(images.jpeg, extensions);
  let bytes = images.jpeg;
  for (const op of ops) {
    if (op.op === 'replaceBody') {
      body = op.value;
      continue;
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) body = {};
    const target = body as Record<string, unknown>;
    switch (op.op) {
      case 'drop':
        delete target[op.field];
        break;
      case 'set':
        define(target, op.key, op.value);
        break;
      case 'nested': {
        let parent = target[op.field];
        if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) {
          parent = {};
          define(target, op.field, parent);
        }
        let node = parent as Record<string, unknown>;
        for (const key of op.path.slice(0, -1)) {
          const next = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
          if (next === null || typeof next !== 'object') {
            const fresh = {};
            define(node, key, fresh);
            node = fresh;
          } else node = next as Record<string, unknown>;
        }
        define(node, op.path[op.path.length - 1]!, op.value);
        break;
      }
      case 'image':
        for (const imageOp of op.ops) bytes = mutateImage(bytes, imageOp, images);
        define(target, 'image_base64', bytes.toString('base64'));
        break;
      case 'base64': {
        let text = typeof target['image_base64'] === 'string' ? (target['image_base64'] as string) : bytes.toString('base64');
        for (const b64 of op.ops) text = corruptBase64(text, b64);
        define(target, 'image_base64', text);
        break;
      }
    }
  }
  return serialize(body);
}

// ---------------------------------------------------------------------------------------------------------------
// The property every response must have.

interface Counts {
  rows: number;
  files: number;
}

/** `promise`, or a failure naming a hang after {@link HANG_MS}. */
async function inTime<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: no answer to ${what} in ${HANG_MS} ms`)), HANG_MS);
  });
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** What every error response must be: a 4xx with a WIA body whose request_id is the X-Request-ID. */
function expectWiaError(response: LightMyRequestResponse): void {
  const context = `${response.statusCode} ${response.body.slice(0, 500)}`;
  expect(response.statusCode, context).toBeGreaterThanOrEqual(400);
  expect(response.statusCode, context).toBeLessThan(500);
  expect(response.headers['content-type'], context).toMatch(/^application\/json/);
  let body: { request_id?: unknown } = {};
  expect(() => (body = JSON.parse(response.body) as typeof body), context).not.toThrow();
  expect(wiaError(body), `${context} ${JSON.stringify(wiaError.errors)}`).toBe(true);
  expect(body.request_id, context).toBe(response.headers['x-request-id']);
}

/** Checks `response` to a `POST /insert` against the counts `before` it. */
async function expectInsertOutcome(server: TestServer, response: LightMyRequestResponse, before: Counts): Promise<void> {
  const context = `${response.statusCode} ${response.body.slice(0, 500)}`;
  expect(response.statusCode, context).toBeLessThan(500);
  expect(response.body, context).not.toMatch(INTERNAL);
  expect(String(response.headers['x-request-id']), context).toMatch(REQUEST_ID);
  const after = { rows: await server.rows(), files: (await server.files()).length };
  if (response.statusCode === 201) {
    const body = response.json<Record<string, unknown>>();
    expect(body, context).toEqual({ status: 'success', id: expect.stringMatching(/^[0-9a-f-]{36}$/), image_key: expect.stringMatching(/^images\/\d{4}\/\d{2}\/[0-9a-f-]{36}\.(jpg|png|webp)$/), created_at: expect.any(String) });
    const replayed = response.headers['idempotent-replayed'] === 'true';
    expect(after, `${context} (replayed: ${replayed})`).toEqual(replayed ? before : { rows: before.rows + 1, files: before.files + 1 });
    return;
  }
  expectWiaError(response);
  expect(after, `${context}: a refused request stored something`).toEqual(before);
}

async function counts(server: TestServer): Promise<Counts> {
  // Keep the image directory small, so each run's listing stays cheap.
  if ((await server.rows()) > 300) await server.reset();
  return { rows: await server.rows(), files: (await server.files()).length };
}

// ---------------------------------------------------------------------------------------------------------------

describe('fuzzing the server input', () => {
  let server: TestServer;
  let secured: TestServer;
  let images: Images;
  beforeAll(async () => {
    server = await startTestServer();
    secured = await startTestServer({ database: server.database, blobs: server.blobs, apiKeys: [API_KEY] });
    const jpeg = await makeJpeg(32);
    images = { jpeg, png: await sharp(jpeg).png().toBuffer(), webp: await sharp(jpeg).webp().toBuffer() };
  });
  afterAll(async () => {
    await secured?.close();
    await server?.close();
  });

  const post = (target: TestServer, payload: string | Buffer, headers: Record<string, string | string[] | undefined> = { 'content-type': 'application/json' }, url = '/insert') => {
    const defined = Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined)) as Record<string, string | string[]>;
    return inTime(target.app.inject({ method: 'POST', url, payload, headers: defined }), `POST ${url}`);
  };

  it('mutated /insert bodies: 201 storing one row and one image, or a 4xx WIA error storing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), bodyOps, async (extensions, ops) => {
        const payload = mutatedBody(images, extensions, ops);
        const before = await counts(server);
        await expectInsertOutcome(server, await post(server, payload), before);
      }),
      {
        ...runs(250),
        // Counterexamples found before, pinned: a meta string PostgreSQL's jsonb cannot hold was a 500.
        examples: [
          [false, [{ op: 'nested', field: 'meta', path: ['n'], value: 'a\u0000b' }]],
          [true, [{ op: 'nested', field: 'meta', path: ['-'], value: '\udfff' }]],
          [false, [{ op: 'nested', field: 'meta', path: ['n'], value: 'x\ud83d' }]],
        ],
      },
    );
  }, timeout(250));

  it('hostile headers: the same outcome, and X-Request-ID kept only when sane', async () => {
    const contentType = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'Application/JSON; charset=UTF-8') },
      fc.constantFrom(
        undefined,
        'application/json',
        'application/json; charset=utf-8',
        'application/json; charset=UTF-8',
        'application/json;charset="utf-8"',
        'APPLICATION/JSON',
        'Application/Json; Charset=UTF-8',
        'application/json; x=1',
        'application/json; charset=latin1',
        'application/json; charset=utf-16',
        'application/json; charset=',
        'application/json;',
        'application/json ; charset=utf-8',
        ' application/json',
        'application/json, text/plain',
        'application/vnd.api+json',
        'application/problem+json',
        'application/jsonp',
        'application/json-seq',
        'text/plain',
        'text/plain; charset=utf-8',
        'text/json',
        'text/html',
        'multipart/form-data; boundary=----x',
        'application/x-www-form-urlencoded',
        'application/octet-stream',
        '',
        ' ',
        '*/*',
        ';',
        'application/',
        '/json',
      ),
      fc.string({ maxLength: 30 }),
    );
    const controlChars = fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).filter((c) => c !== 0x0a && c !== 0x0d).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 4 });
    const idempotencyKey = fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(undefined, 'k1', 'k2', 'k3') },
      fc.constantFrom(undefined, undefined, '', 'k1', 'k2', 'fuzz:key.1_-', '0190c2a0-7b3c-7def-8123-456789abcdef', 'x'.repeat(128), 'x'.repeat(129), 'x'.repeat(300), 'ключ', '../../etc/passwd', 'a b', 'a/b', '%2e%2e', '\u00ff'),
      controlChars.map((c) => `k${c}`),
      fc.constant<string[]>(['k1', 'k2']),
      fc.string({ maxLength: 20 }),
    );
    const requestIdHeader = fc.oneof(
      fc.constantFrom(undefined, 'trace-1.2_3', 'x'.repeat(64), 'x'.repeat(65), '', ' ', '../../etc/passwd', '<script>', "'; DROP TABLE x; --", 'ид', 'a\u0000b', '\u00e9'),
      controlChars,
      fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/),
      fc.string({ maxLength: 70 }),
    );
    const apiKey = fc.oneof({ weight: 3, arbitrary: fc.constant(API_KEY) }, fc.constantFrom(undefined, API_KEY, API_KEY.slice(0, -1), `${API_KEY} `, API_KEY.toUpperCase(), '', 'x'.repeat(10_000), '\u00ff', '\u0001'), fc.string({ maxLength: 30 }));
    const body = fc.oneof(
      { weight: 3, arbitrary: fc.constant<BodyOp[]>([]) },
      { weight: 1, arbitrary: fc.constant<BodyOp[]>([{ op: 'set', key: 'user_boredom', value: 2.5 }]) },
      { weight: 1, arbitrary: fc.array(bodyOp, { minLength: 1, maxLength: 2 }) },
    );
    const otherHeaders = fc.oneof(
      { weight: 4, arbitrary: fc.constant({}) },
      fc.record({ 'content-length': fc.constantFrom('0', '1', '-1', 'abc', '1e3', '99999999999', '12582913', ' 10', '10, 10') }),
      fc.record({ 'content-encoding': fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'x-junk', 'gzip, gzip') }),
      fc.record({ 'transfer-encoding': fc.constantFrom('chunked', 'identity', 'gzip') }),
      fc.record({ 'x-http-method-override': fc.constantFrom('GET', 'DELETE') }),
    );
    const url = fc.oneof(
      { weight: 6, arbitrary: fc.constant('/insert') },
      fc.constantFrom('/insert?', '/insert?x=1', '/insert?__proto__[x]=1', '/insert/', '/INSERT', '//insert', '/insert%00', '/insert;x=1', '/./insert', '/insert/..', '/insert#x', '/insert%2F', '/%69nsert', '/insert/%'),
    );
    await fc.assert(
      fc.asyncProperty(fc.boolean(), contentType, idempotencyKey, requestIdHeader, apiKey, otherHeaders, url, body, async (useSecured, type, key, id, presented, other, path, ops) => {
        const target = useSecured ? secured : server;
        const headers = { 'content-type': type, 'idempotency-key': key, 'x-request-id': id, 'x-api-key': presented, ...other };
        const before = await counts(server);
        const response = await post(target, mutatedBody(images, false, ops), headers, path);
        await expectInsertOutcome(server, response, before);
        if (typeof id === 'string' && REQUEST_ID.test(id)) expect(response.headers['x-request-id']).toBe(id);
        if (useSecured && presented !== API_KEY && path === '/insert') expect(response.statusCode, response.body).toBe(401);
      }),
      runs(200),
    );
  }, timeout(200));

  it('concurrent bursts, idempotency keys shared: each answer alone, one row per stored answer, one per key', async () => {
    let burst = 0;
    const request = fc.record({
      ops: fc.oneof({ weight: 2, arbitrary: fc.constant<BodyOp[]>([]) }, { weight: 1, arbitrary: bodyOps }),
      key: fc.constantFrom(undefined, 'a', 'b'),
      variant: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 2, maxLength: 8 }), async (requests) => {
        burst++;
        const before = await counts(server);
        const responses = await Promise.all(
          requests.map(({ ops, key, variant }) =>
            post(server, mutatedBody(images, variant, ops), { 'content-type': 'application/json', 'idempotency-key': key === undefined ? undefined : `burst-${SEED}-${burst}-${key}` }),
          ),
        );
        const stored = new Map<string | undefined, string[]>();
        for (const [i, response] of responses.entries()) {
          const context = `${response.statusCode} ${response.body.slice(0, 300)}`;
          expect(response.statusCode, context).toBeLessThan(500);
          expect(response.body, context).not.toMatch(INTERNAL);
          if (response.statusCode !== 201) {
            expectWiaError(response);
            continue;
          }
          const id = response.json<{ id: string }>().id;
          const key = requests[i]!.key;
          if (response.headers['idempotent-replayed'] !== 'true') stored.set(key, [...(stored.get(key) ?? []), id]);
        }
        const inserted = [...stored.values()].flat().length;
        expect({ rows: await server.rows(), files: (await server.files()).length }).toEqual({ rows: before.rows + inserted, files: before.files + inserted });
        // One stored answer per idempotency key, and every replay of it names the same annotation.
        for (const key of ['a', 'b']) {
          expect((stored.get(key) ?? []).length).toBeLessThanOrEqual(1);
          const first = stored.get(key)?.[0];
          for (const [i, response] of responses.entries()) {
            if (requests[i]!.key === key && response.headers['idempotent-replayed'] === 'true') expect(response.json<{ id: string }>().id).toBe(first);
          }
        }
      }),
      runs(40),
    );
  }, timeout(40, 500));

  it('raw bodies (not JSON, truncated, duplicate keys, BOM, bad UTF-8): never a 5xx, a WIA error unless stored', async () => {
    const valid = () => serialize(baseBody(images.jpeg, false));
    const rawBody: fc.Arbitrary<() => string | Buffer> = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }).map((s) => labelled(JSON.stringify(s), () => s)),
      fc.string({ maxLength: 200 }).map((s) => labelled(JSON.stringify(s), () => s)),
      fc.constantFrom('', ' ', 'null', 'true', '0', '-0', '""', '[]', '{}', '[{}]', '{"a":1}', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', "{'a':1}", '{"a":1,}', '/* c */{}', '\ufeff', '\ufeff{}', '{"image_base64":', '{', '}', '"', '\\', '\u0000').map((s) => labelled(JSON.stringify(s), () => s)),
      fc.constantFrom(1_000, 100_000, 1_000_000).map((n) => labelled(`'['.repeat(${n})`, () => '['.repeat(n))),
      fc.constantFrom(1_000, 100_000).map((n) => labelled(`${n} nested objects`, () => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`)),
      fc.nat().map((cut) => labelled(`valid body cut at ${cut}`, () => {
        const text = valid();
        return text.slice(0, cut % text.length);
      })),
      fc.constantFrom('\ufeff', '\ufeff\ufeff', ' \n\t', '\u00a0', '\u2028').map((prefix) => labelled(`${JSON.stringify(prefix)} + valid body`, () => prefix + valid())),
      fc.record({ key: fc.constantFrom(...FIELDS, '__proto__', 'constructor'), value: fc.constantFrom('1', '"x"', 'null', '{}', '[]', '5', '"AAAA"'), first: fc.boolean() }).map(
        ({ key, value, first }) =>
          labelled(`valid body with "${key}":${value} ${first ? 'first' : 'last'}`, () => {
            const text = valid();
            const extra = `"${key}":${value}`;
            return first ? `{${extra},${text.slice(1)}` : `${text.slice(0, -1)},${extra}}`;
          }),
      ),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => labelled(`bytes ${Buffer.from(bytes).toString('hex')}`, () => Buffer.from(bytes))),
      fc.constantFrom('utf16le', 'latin1').map((encoding) => labelled(`valid body in ${encoding}`, () => Buffer.from(valid().replace('"user_boredom":1.5', '"user_boredom":1.5,"meta":{"n":"é"}'), encoding as BufferEncoding))),
      fc.constant(labelled('valid body with invalid UTF-8 in meta', () => Buffer.concat([Buffer.from(valid().slice(0, -1)), Buffer.from(',"meta":{"bad":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('"}}')]))),
    );
    await fc.assert(
      fc.asyncProperty(rawBody, fc.constantFrom('application/json', 'application/json; charset=utf-8'), async (make, type) => {
        const before = await counts(server);
        await expectInsertOutcome(server, await post(server, make(), { 'content-type': type }), before);
      }),
      runs(250),
    );
  }, timeout(250));

  it('hostile GET /load query strings: 200 or a 400 WIA error, never a 5xx', async () => {
    const name = fc.oneof(fc.constantFrom('limit', 'offset', 'LIMIT', 'limit[]', 'limit[0]', 'limit.x', '__proto__', 'constructor', 'hasOwnProperty', '', 'x'), fc.string({ maxLength: 8 }));
    const value = fc.oneof(
      fc.constantFrom('-1', '0', '1', '1.5', '1e3', '1e400', '1000', '1001', '1000000', '1000001', '99999999999999999999', '-0', '+1', ' 5', '5 ', '0x10', '0b1', '1_0', 'Infinity', 'NaN', 'null', 'true', '[]', '{}', '1,2', '', 'abc', '%zz', '%', '%00', '%2F..%2F', '%E2%80%AE', '\u00e9', '５'),
      fc.integer().map(String),
      fc.double().map(String),
      fc.string({ maxLength: 10 }).map(encodeURIComponent),
    );
    const param = fc.oneof(
      fc.tuple(name, value).map(([n, v]) => `${n}=${v}`),
      name,
      fc.constantFrom('=', '&', '==', 'limit==1', 'limit=1=2'),
    );
    const query = fc.oneof(
      fc.array(param, { maxLength: 5 }).map((params) => params.join('&')),
      fc.constantFrom('limit=1&limit=2', 'offset=1&offset=1', 'limit=', 'offset=', '&&&', '?', '#x', 'limit=5#frag'),
    );
    await fc.assert(
      fc.asyncProperty(query, fc.constantFrom('GET', 'HEAD'), async (qs, method) => {
        const url = `/load?${qs}`;
        let response: LightMyRequestResponse;
        try {
          response = await inTime(server.app.inject({ method: method as 'GET' | 'HEAD', url }), `${method} ${url}`);
        } catch (error) {
          // light-my-request refuses some URLs on the client side: not the server's concern.
          if (error instanceof Error && /invalid url|URI malformed/i.test(error.message)) return;
          throw error;
        }
        const context = `${method} ${url} -> ${response.statusCode} ${response.body.slice(0, 300)}`;
        expect(response.statusCode, context).toBeLessThan(500);
        expect(response.body, context).not.toMatch(INTERNAL);
        expect(String(response.headers['x-request-id']), context).toMatch(REQUEST_ID);
        if (method === 'HEAD') {
          expect([200, 400], context).toContain(response.statusCode);
          return;
        }
        if (response.statusCode === 200) {
          const body = response.json<{ data: unknown[]; count: number; limit: number; offset: number }>();
          expect(Number.isInteger(body.limit) && body.limit >= 1 && body.limit <= 1000, context).toBe(true);
          expect(Number.isInteger(body.offset) && body.offset >= 0 && body.offset <= 1_000_000, context).toBe(true);
          expect(body.count, context).toBe(body.data.length);
          expect(body.data.length, context).toBeLessThanOrEqual(body.limit);
          return;
        }
        expect(response.statusCode, context).toBe(400);
        expectWiaError(response);
      }),
      {
        ...runs(250),
        // Counterexamples found before, pinned: Ajv coerced "Infinity" and "1e400" to Infinity, a 500 from the database.
        examples: [
          ['limit=Infinity', 'GET'],
          ['offset=1e400', 'GET'],
          ['limit=-Infinity&offset=1', 'HEAD'],
        ],
      },
    );
  }, timeout(250));
});
