/**
 * The browser fuzzer (issue 14): fast-check generates cases — real images truncated, bit-flipped, with absurd
 * headers, in every delivery; hostile objects; random option objects; aborts, short deadlines, a dispose
 * mid-flight; up to four calls at once — and each runs through the real SDK in Chromium (`page/fuzz-case.ts`
 * builds and runs it). For every call the contract holds: it settles before its deadline (plus slack); it gives a
 * WIA result that validates against the JSON Schema, with no NaN, boxes inside the image, probabilities summing
 * to 1 and unique face ids, or an EmoLensError with a known code (never INTERNAL_ERROR: that is a bug to report);
 * intact images with valid options always give their faces; and the next valid call succeeds.
 *
 * `pnpm test` runs a short seeded run; `pnpm fuzz --runs N [--seed S]` a long one (env FUZZ_RUNS, FUZZ_SEED; and
 * FUZZ_PATH to replay a failure's path). A failure prints its shrunk counterexample: fix the SDK, then pin it
 * (a corpus entry in test/fixtures/corpus.ts, or a call-contract test for timing and dispose).
 * The run's figures (outcomes by code, the longest main-thread task) go to test/.artifacts/fuzz-summary.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_HTTP_STATUS, INPUT_ERROR_KINDS, type WiaFaceResult } from '../../packages/schema/src/index.ts';
import { encodeBmp, encodeGif, encodePng, storedForOrientation, withExifOrientation, type Rgba } from '../fixtures/encoders.ts';
import { dataRoot, repoRoot, requireData } from '../setup/paths.ts';
import { caseRecipe } from './fuzz-recipes.ts';
import { dataUrl, openTestPage, repoUrl, type TestPage } from './harness.ts';
import type { CallRecipe, CallReport, CaseRecipe, CaseReport, ErrorReport, FuzzSetup } from './page/fuzz-case.ts';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261127);
/** Cases of the run: a short one under `pnpm test` (about 30 s on two cores), N under `pnpm fuzz --runs N`. */
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 100);
const PATH = process.env['FUZZ_PATH'];

const artifacts = join(repoRoot, 'test', '.artifacts');
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const schema = (name: string) => ajv.compile(JSON.parse(readFileSync(join(repoRoot, 'packages', 'schema', 'schemas', `${name}.schema.json`), 'utf8')));
const validResult = schema('wia-face-result');
const validError = schema('wia-error');

const KNOWN_CODES = new Set(Object.keys(ERROR_HTTP_STATUS));
/** Codes whose errors must say what was wrong in `details.kind`. */
const KIND_CODES = new Set(['INVALID_IMAGE', 'IMAGE_TOO_LARGE', 'INTERNAL_ERROR']);

const summary = {
  seed: SEED,
  runs: RUNS,
  /** Cases executed, shrinking included. */
  cases: 0,
  calls: 0,
  /** How calls settled: `result`, an error code, or `hang`. */
  outcomes: {} as Record<string, number>,
  /** Error code and `details.kind`, and the `details.field` of INVALID_REQUEST. */
  kinds: {} as Record<string, number>,
  fields: {} as Record<string, number>,
  failures: [] as unknown[],
  /** Largest delay past its deadline of a call that ended in TIMEOUT. */
  maxTimeoutLatenessMs: 0,
  /** Results whose image the page could not decode, so their boxes were not checked against its size. */
  resultsWithoutImageSize: 0,
  /** The longest main-thread task of the run, and the longest while the SDK's calls ran (not asserted: measured). */
  longestMainThreadTaskMs: Number.NaN,
  longestMainThreadTaskInCallsMs: Number.NaN,
  longestTasks: [] as { ms: number; during: string; scripts: string[] }[],
  calibrationMs: Number.NaN,
  wallSeconds: 0,
};
const count = (table: Record<string, number>, key: string) => (table[key] = (table[key] ?? 0) + 1);

let t: TestPage;
let sources: FuzzSetup['sources'];
beforeAll(async () => {
  sources = writeSources(join(artifacts, 'fuzz'));
  t = await openTestPage();
  const setup: FuzzSetup = { sources, faceUrl: sources[0]!.url };
  await t.page.evaluate(async (s) => ((await window.loadModule('/fuzz-case.ts')) as typeof import('./page/fuzz-case.ts')).install(s), setup);
});
afterAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(join(artifacts, 'fuzz-summary.json'), JSON.stringify(summary, null, 2));
  await t?.close();
});

describe('the browser fuzzer', () => {
  it(`keeps the call contract on ${RUNS} generated cases (seed ${SEED})`, async () => {
    const started = Date.now();
    const property = fc.asyncProperty(caseRecipe(sources.length), async (recipe) => {
      const report = await t.page.evaluate(
        async (r) => ((await window.loadModule('/fuzz-case.ts')) as typeof import('./page/fuzz-case.ts')).runCase(r),
        recipe,
      );
      record(report);
      const problems = checkCase(recipe, report);
      if (problems.length > 0) throw new Error(problems.join('\n'));
    });
    const details = await fc.check(property, { seed: SEED, numRuns: RUNS, ...(PATH ? { path: PATH } : {}) });
    summary.wallSeconds = Math.round((Date.now() - started) / 100) / 10;
    if (details.failed) summary.failures.push({ seed: details.seed, path: details.counterexamplePath, counterexample: details.counterexample, error: String(details.errorInstance), shrinks: details.numShrinks });
    expect(details.failed, `${fc.defaultReportMessage(details) ?? ''}\n${String(details.errorInstance)}`).toBe(false);
  }, RUNS * 5_000 + 120_000);

  it('ran under a main-thread long-task observer that works (an 80 ms block is seen)', async () => {
    const tasks = await t.page.evaluate(async () => ((await window.loadModule('/fuzz-case.ts')) as typeof import('./page/fuzz-case.ts')).longestTasks());
    summary.longestMainThreadTaskMs = Math.round(tasks.longest);
    summary.longestMainThreadTaskInCallsMs = Math.round(tasks.longestInCalls);
    summary.longestTasks = tasks.top;
    summary.calibrationMs = Math.round(tasks.calibration);
    expect(tasks.calibration).toBeGreaterThanOrEqual(80);
  });
});

function record(report: CaseReport): void {
  summary.cases++;
  for (const call of report.calls) {
    summary.calls++;
    const o = call.outcome;
    count(summary.outcomes, o.settled === 'error' ? String(o.error.code) : o.settled);
    if (o.settled === 'error') count(summary.kinds, `${String(o.error.code)}${o.error.kind === undefined ? '' : `/${String(o.error.kind)}`}`);
    if (o.settled === 'error' && o.error.code === 'INVALID_REQUEST') count(summary.fields, String(o.error.field));
    if (o.settled === 'result' && call.image === undefined && call.delivered !== 'none') summary.resultsWithoutImageSize++;
    if (o.settled === 'error' && o.error.code === 'TIMEOUT') summary.maxTimeoutLatenessMs = Math.max(summary.maxTimeoutLatenessMs, Math.round(call.ms - call.deadlineMs));
  }
}

/** Every way the case broke the contract (none: it kept it). */
function checkCase(recipe: CaseRecipe, report: CaseReport): string[] {
  const problems = report.calls.flatMap((call, i) => checkCall(recipe, recipe.calls[i]!, call).map((p) => `call ${i} (${recipe.calls[i]!.method}, ${call.delivered}): ${p}`));
  if (!('faces' in report.next) || report.next.faces !== 1) problems.push(`the valid call after the case gave ${JSON.stringify(report.next)}`);
  for (const error of report.pageErrors) problems.push(`the page reported ${error}`);
  for (const crash of report.crashes) problems.push(`the worker crashed: ${crash}`);
  for (const line of t.logs.splice(0)) if (line.startsWith('[pageerror]')) problems.push(line);
  return problems;
}

function checkCall(recipe: CaseRecipe, call: CallRecipe, report: CallReport): string[] {
  const o = report.outcome;
  if (o.settled === 'hang') return [`did not settle within ${report.guardMs} ms`];
  const must = mustSucceed(recipe, call);
  if (o.settled === 'error') {
    const problems = checkError(recipe, call, report, o.error);
    // The WIA face call answers an image with no face (or none as large as min_face_size) as its standard says.
    const faceless = call.method === 'analyze-face' && o.error.code === 'NO_FACE_DETECTED' && (must?.faces ?? 0) === 0;
    if (must && !faceless) problems.push(`an intact image with valid options failed: ${o.error.code} ${o.error.message}`);
    return problems;
  }
  if (call.abort.when === 'before' || call.abort.when === 'fake-signal') return [`resolved, though its signal was ${call.abort.when === 'before' ? 'aborted before the call' : 'not an AbortSignal'}`];
  if (call.method === 'warmup') return o.result === undefined ? [] : ['warmup resolved with a value'];
  const result = o.result as WiaFaceResult;
  const problems = checkResult(result, report.image);
  if (call.method === 'analyze-face' && result.faces.length === 0) problems.push('analyzeFace answered faces: [] (the WIA standard: 400 NO_FACE_DETECTED)');
  const limit = faceLimit(recipe, call);
  if (result.faces.length > limit) problems.push(`${result.faces.length} faces, more than maxFaces ${limit}`);
  if (must && must.faces !== undefined && result.faces.length !== must.faces) problems.push(`an intact image with ${must.faces} face(s) gave ${result.faces.length}`);
  return problems;
}

function checkResult(result: WiaFaceResult, image: CallReport['image']): string[] {
  const problems: string[] = [];
  if (!validResult(result)) problems.push(`the result does not validate: ${ajv.errorsText(validResult.errors)}`);
  const bad = nonFinite(result);
  if (bad) problems.push(`a non-finite number at ${bad}`);
  const faces = Array.isArray(result?.faces) ? result.faces : [];
  if (new Set(faces.map((f) => f.face_id)).size !== faces.length) problems.push(`face ids repeat: ${faces.map((f) => f.face_id).join(', ')}`);
  for (const face of faces) {
    const { x, y, width, height } = face.bbox;
    if (image && (x + width > image.width || y + height > image.height)) problems.push(`box ${JSON.stringify(face.bbox)} outside the ${image.width}×${image.height} image`);
    const all = face.emotions.all;
    const sum = all.reduce((s, e) => s + e.confidence, 0);
    if (Math.abs(sum - 1) > 0.01) problems.push(`face ${face.face_id}: probabilities sum to ${sum}`);
    if (all.some((e, i) => i > 0 && e.confidence > all[i - 1]!.confidence)) problems.push(`face ${face.face_id}: emotions.all is not sorted`);
    if (face.emotions.primary.label !== all[0]?.label) problems.push(`face ${face.face_id}: primary is not the first of all`);
  }
  return problems;
}

function checkError(recipe: CaseRecipe, call: CallRecipe, report: CallReport, error: ErrorReport): string[] {
  const problems: string[] = [];
  const code = String(error.code);
  const where = `${code}${error.kind === undefined ? '' : ` (${String(error.kind)})`}: ${error.message}`;
  if (!error.typed) problems.push(`rejected with ${error.name} (not an EmoLensError): ${error.message}`);
  if (!KNOWN_CODES.has(code)) problems.push(`unknown code ${code}`);
  if (code === 'INTERNAL_ERROR') problems.push(`INTERNAL_ERROR is a bug to report: ${where}`);
  if (KIND_CODES.has(code) && typeof error.kind !== 'string') problems.push(`${code} without details.kind: ${error.message}`);
  if ((code === 'INVALID_IMAGE' || code === 'IMAGE_TOO_LARGE') && !(INPUT_ERROR_KINDS as readonly unknown[]).includes(error.kind)) problems.push(`unknown input error kind: ${where}`);
  if (code === 'INVALID_REQUEST' && typeof error.field !== 'string') problems.push(`INVALID_REQUEST without details.field: ${error.message}`);
  if (error.serialisable !== true) problems.push(`JSON.stringify(error) throws: ${error.serialisable} (${where})`);
  else if (!validError(error.body)) problems.push(`the error body does not validate: ${ajv.errorsText(validError.errors)} (${where})`);
  const stoppable = ['before', 'after', 'signal-timeout', 'any'].includes(call.abort.when);
  if (code === 'ABORTED' && !stoppable) problems.push('ABORTED, though its signal never fired');
  if (code === 'TIMEOUT' && !Number.isFinite(report.deadlineMs)) problems.push('TIMEOUT, though it had no deadline');
  if (code === 'TIMEOUT' && report.ms < report.deadlineMs - 1) problems.push(`TIMEOUT after ${report.ms.toFixed(1)} ms, before its deadline of ${report.deadlineMs} ms`);
  if (code === 'DISPOSED' && recipe.disposeAfterMs === undefined) problems.push('DISPOSED, though nothing disposed the detector');
  return problems;
}

/**
 * Most faces a result may hold: the call's valid `maxFaces`, else the detector's; for `analyzeFace`, the request's
 * `max_faces`, else the WIA default 5 (either may exceed the detector's `maxFaces`).
 */
function faceLimit(recipe: CaseRecipe, call: CallRecipe): number {
  const fallback = call.method === 'analyze-face' ? 5 : (recipe.detector?.maxFaces ?? 5);
  const value = optionValue(call, call.method === 'analyze-face' ? 'max_faces' : 'maxFaces');
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 100 ? value : fallback;
}

/** The last value set for `key` in the call's options object, where it is plain data. */
function optionValue(call: CallRecipe, key: string): unknown {
  if (call.options.shape !== 'object') return undefined;
  const entry = call.options.entries.filter((e) => e.key === key).at(-1);
  return entry && 'json' in entry.value ? entry.value.json : undefined;
}

/**
 * Whether the call must give a result (and with how many faces, where the options cannot drop one): an intact
 * image, valid options, nothing stopping it, on the default detector.
 */
function mustSucceed(recipe: CaseRecipe, call: CallRecipe): { faces?: number } | undefined {
  if (recipe.disposeAfterMs !== undefined || recipe.detector !== undefined || call.abort.when !== 'never') return undefined;
  if (call.method === 'warmup') return {};
  if (call.input.kind !== 'bytes' || call.input.mutations.length > 0 || call.body !== undefined) return undefined;
  const options = call.options;
  if (options.shape === 'non-object') return undefined;
  if (options.shape === 'object' && (options.wrap.endsWith('-proxy') || options.entries.some((e) => !('json' in e.value) || !e.value.valid))) return undefined;
  const timeout = optionValue(call, 'timeoutMs');
  if (call.method !== 'analyze-face' && typeof timeout === 'number' && timeout < 5_000) return undefined;
  const minFaceSize = optionValue(call, call.method === 'analyze-face' ? 'min_face_size' : 'minFaceSize');
  const source = sources[call.input.source % sources.length]!;
  return typeof minFaceSize === 'number' && minFaceSize > 40 ? {} : { faces: source.faces };
}

/** The first path in `value` that holds NaN or ±Infinity. */
function nonFinite(value: unknown, path = 'result'): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} = ${value}`;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = nonFinite(inner, `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}

/**
 * The images the cases start from: two wild photos as they are, a face framed off-centre in a 320×240 frame
 * and encoded as PNG, GIF, BMP and an EXIF-rotated JPEG (orientation 6: the displayed image is 240×320), and two
 * faceless files (AVIF, CMYK JPEG). Written under `dir` (never into the repository), served by the test server.
 */
function writeSources(dir: string): FuzzSetup['sources'] {
  requireData();
  mkdirSync(dir, { recursive: true });
  const wild = (file: string) => ({ url: dataUrl(`wild/${file}`), faces: 1 });
  const frame = framedFace(join(dataRoot, 'wild', 'surprise', 'faceapi_surprised.jpg'));
  const rotated = storedForOrientation(frame, 6);
  const files: [string, Uint8Array][] = [
    ['face.png', encodePng(frame, { colorType: 2 })],
    ['face.gif', encodeGif([frame])],
    ['face.bmp', encodeBmp(frame)],
    ['face-exif-6.jpg', withExifOrientation(new Uint8Array(jpeg.encode(rotated, 90).data), 6)],
  ];
  for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
  return [
    wild('happy/faceapi_happy.jpg'),
    wild('angry/Michael_Schumacher_0006.jpg'),
    ...files.map(([name]) => ({ url: repoUrl(join(dir, name)), faces: 1 })),
    { url: repoUrl(join(repoRoot, 'test', 'fixtures', 'pattern.avif')), faces: 0 },
    { url: repoUrl(join(repoRoot, 'test', 'fixtures', 'cmyk.jpg')), faces: 0 },
  ];
}

/** The photo scaled to 200 px high, 40 px from the left of a grey 320×240 frame. */
function framedFace(path: string): Rgba {
  const source = jpeg.decode(readFileSync(path), { useTArray: true, formatAsRGBA: true });
  const frame: Rgba = { width: 320, height: 240, data: new Uint8Array(320 * 240 * 4).fill(128) };
  for (let i = 3; i < frame.data.length; i += 4) frame.data[i] = 255;
  const height = 200;
  const width = Math.round((source.width * height) / source.height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < Math.min(width, 280); x++) {
      const at = (Math.floor((y * source.height) / height) * source.width + Math.floor((x * source.width) / width)) * 4;
      frame.data.set(source.data.subarray(at, at + 4), ((20 + y) * frame.width + 40 + x) * 4);
    }
  }
  return frame;
}
