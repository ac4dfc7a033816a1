import './testing/quiet-tfjs.js';
import { isEmoLensError, LEARNING_STATES, type LearningStateScores } from '@emolens/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Correction } from './correction.js';
import { FEATURE_INDEX, FEATURE_LENGTH } from './features.js';
import { createPersonaliser, type Personaliser } from './personaliser.js';
import { drowsyCorrections, meanAbsoluteError } from './testing/synthetic.js';

const base: LearningStateScores = { boredom: 1, confusion: 1, engagement: 2, frustration: 0.5 };
const FAST = { inMemory: true, retrainEvery: 0, epochs: 30 } as const;

async function withCorrections(corrections: readonly Correction[], options: Parameters<typeof createPersonaliser>[0] = FAST): Promise<Personaliser> {
  const p = await createPersonaliser(options);
  for (const c of corrections) await p.addCorrection(c);
  return p;
}

function inRange(s: LearningStateScores): boolean {
  return LEARNING_STATES.every((k) => Number.isFinite(s[k]) && s[k] >= 0 && s[k] <= 3);
}

async function rejection(promise: Promise<unknown>): Promise<{ code: string; field: unknown }> {
  try {
    await promise;
  } catch (e) {
    if (isEmoLensError(e)) return { code: e.code, field: e.details.field };
    throw e;
  }
  throw new Error('it resolved');
}

describe('with no corrections', () => {
  it('train() does nothing and predict() returns the base scores exactly', async () => {
    const p = await createPersonaliser(FAST);
    const info = await p.train();
    expect(info).toMatchObject({ corrections: 0, skipped: true, backend: null });
    const odd = { boredom: 0.1 + 0.2, confusion: 2.9999999, engagement: 0, frustration: 3 };
    for (const c of drowsyCorrections(5, 7)) {
      expect(p.predict(c.features, c.predicted)).toEqual(c.predicted);
      expect(p.predict(c.features, odd)).toEqual(odd);
    }
    expect(p.export()).toBeNull();
    expect(p.state).toEqual({ corrections: 0, trainedOn: 0, pending: 0, weight: 0, training: false });
  });
});

describe('methods detached from the personaliser', () => {
  it('work as they do on it', async () => {
    const p = await createPersonaliser(FAST);
    const { addCorrection, train, predict, dispose } = p;
    const [correction] = drowsyCorrections(1, 3);
    await addCorrection(correction!);
    expect((await train()).corrections).toBe(1);
    expect(inRange(predict(correction!.features, correction!.predicted))).toBe(true);
    dispose();
    expect((await rejection(train())).code).toBe('DISPOSED');
  });
});

describe('learning a user', () => {
  it('halves the error on held-out corrections after 50 that follow a rule of their own', async () => {
    const train = drowsyCorrections(50, 3);
    const heldOut = drowsyCorrections(300, 1000);
    const p = await withCorrections(train, { inMemory: true, retrainEvery: 0 }); // default training settings
    const info = await p.train();
    const before = meanAbsoluteError(heldOut, (c) => c.predicted);
    const after = meanAbsoluteError(heldOut, (c) => p.predict(c.features, c.predicted));
    console.log(`personalise: held-out MAE ${before.toFixed(3)} → ${after.toFixed(3)} (×${(after / before).toFixed(2)}) after 50 corrections, trained in ${info.ms.toFixed(0)} ms on ${info.backend}`);
    // Measured: 0.243 → 0.105 (×0.43). Pinned at the brief's "at least half".
    expect(after).toBeLessThanOrEqual(before * 0.5);
    expect(info).toMatchObject({ corrections: 50, emotionCorrections: 0, backend: 'cpu', skipped: false });
    expect(p.state).toMatchObject({ trainedOn: 50, weight: 50 / 55 });
  });

  it('trains the same head from the same corrections and seed', async () => {
    const corrections = drowsyCorrections(20, 5);
    const [a, b] = await Promise.all([withCorrections(corrections), withCorrections(corrections)]);
    await a.train();
    await b.train();
    expect(JSON.stringify(a.export())).toBe(JSON.stringify(b.export()));
    const c = await withCorrections(corrections, { ...FAST, seed: 2 });
    await c.train();
    expect(JSON.stringify(c.export())).not.toBe(JSON.stringify(a.export()));
  });

  it('learns from one correction, a little, within [0, 3]', async () => {
    const [one] = drowsyCorrections(1, 11);
    const p = await withCorrections([{ ...one!, corrected: { ...one!.predicted, boredom: 3 } }], { inMemory: true, retrainEvery: 0 });
    await p.train();
    const out = p.predict(one!.features, one!.predicted);
    expect(inRange(out)).toBe(true);
    // Towards the correction, by about the blend weight 1/(1+5) of the way.
    expect((out.boredom - one!.predicted.boredom) / (3 - one!.predicted.boredom)).toBeGreaterThan(0.1);
    expect((out.boredom - one!.predicted.boredom) / (3 - one!.predicted.boredom)).toBeLessThan(0.2);
    expect(p.state.weight).toBeCloseTo(1 / 6, 12);
  });

  it('stays finite and within [0, 3] on contradictory corrections', async () => {
    const [face] = drowsyCorrections(1, 13);
    const contradictory = Array.from({ length: 40 }, (_, i) => ({
      features: face!.features,
      predicted: { boredom: 1.5, confusion: 1.5, engagement: 1.5, frustration: 1.5 },
      corrected: i % 2 ? { boredom: 3, confusion: 0, engagement: 3, frustration: 0 } : { boredom: 0, confusion: 3, engagement: 0, frustration: 3 },
      correctedEmotion: i % 2 ? ('happiness' as const) : ('anger' as const),
    }));
    const p = await withCorrections(contradictory, { ...FAST, epochs: 200 });
    const info = await p.train();
    expect(Number.isFinite(info.loss.states) && Number.isFinite(info.loss.emotion!)).toBe(true);
    for (const b of [base, { boredom: 0, confusion: 0, engagement: 0, frustration: 0 }, { boredom: 3, confusion: 3, engagement: 3, frustration: 3 }]) {
      const out = p.predict(face!.features, b);
      expect(inRange(out)).toBe(true);
    }
    const mid = p.predict(face!.features, contradictory[0]!.predicted);
    for (const k of LEARNING_STATES) expect(Math.abs(mid[k] - 1.5)).toBeLessThan(0.5); // the two cancel out
    const emotions = p.predictEmotions(face!.features);
    expect(Object.values(emotions).every(Number.isFinite)).toBe(true);
    expect(Object.values(emotions).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it('learns an emotion the user keeps correcting to', async () => {
    // This user's resting face reads as sadness; they say it is neutral.
    const sad = drowsyCorrections(30, 17).map((c) => {
      const features = Float32Array.from(c.features);
      features.fill(0.02, FEATURE_INDEX['emotion:happiness'], 7);
      features[FEATURE_INDEX['emotion:sadness']!] = 0.6;
      features[FEATURE_INDEX['emotion:neutral']!] = 0.3;
      return { ...c, features, predictedEmotion: 'sadness' as const, correctedEmotion: 'neutral' as const };
    });
    const p = await withCorrections(sad, { ...FAST, epochs: 100 });
    expect(p.predictEmotions(sad[0]!.features).sadness).toBeCloseTo(0.6, 6); // no emotion head yet: the features' own
    const info = await p.train();
    expect(info.emotionCorrections).toBe(30);
    const out = p.predictEmotions(sad[0]!.features);
    expect(out.neutral).toBeGreaterThan(out.sadness);
  });
});

describe('bad input', () => {
  let p: Personaliser;
  let features: Float32Array;
  beforeAll(async () => {
    const corrections = drowsyCorrections(10, 19);
    p = await withCorrections(corrections);
    await p.train();
    features = corrections[0]!.features as Float32Array;
  });

  const good = (): Correction => ({ features, predicted: base, corrected: base });
  it.each<[string, (c: Correction) => unknown, string]>([
    ['a feature vector too short', (c) => ({ ...c, features: new Float32Array(FEATURE_LENGTH - 1) }), 'features'],
    ['a feature vector too long', (c) => ({ ...c, features: Array.from({ length: FEATURE_LENGTH + 1 }, () => 0) }), 'features'],
    ['no feature vector', (c) => ({ ...c, features: 'x' }), 'features'],
    ['a NaN feature', (c) => ({ ...c, features: Float32Array.from(c.features, (v, i) => (i === 3 ? Number.NaN : v)) }), 'features[3]'],
    ['a feature out of range', (c) => ({ ...c, features: Float32Array.from(c.features, (v, i) => (i === 30 ? 2 : v)) }), 'features[30]'],
    ['a score above 3', (c) => ({ ...c, corrected: { ...base, boredom: 3.5 } }), 'corrected.boredom'],
    ['a score below 0', (c) => ({ ...c, predicted: { ...base, frustration: -0.1 } }), 'predicted.frustration'],
    ['a NaN score', (c) => ({ ...c, corrected: { ...base, engagement: Number.NaN } }), 'corrected.engagement'],
    ['an Infinity score', (c) => ({ ...c, predicted: { ...base, confusion: Number.POSITIVE_INFINITY } }), 'predicted.confusion'],
    ['a missing state', (c) => ({ ...c, corrected: { boredom: 1, confusion: 1, engagement: 1 } }), 'corrected.frustration'],
    ['a string score', (c) => ({ ...c, corrected: { ...base, boredom: '2' } }), 'corrected.boredom'],
    ['an unknown emotion', (c) => ({ ...c, correctedEmotion: 'joy' }), 'correctedEmotion'],
    ['no correction', () => null, 'correction'],
  ])('refuses %s with INVALID_REQUEST, storing nothing', async (_, make, field) => {
    const before = p.state;
    const exported = JSON.stringify(p.export());
    expect(await rejection(p.addCorrection(make(good()) as Correction))).toEqual({ code: 'INVALID_REQUEST', field });
    expect(p.state).toEqual(before);
    expect(JSON.stringify(p.export())).toBe(exported);
    expect(inRange(p.predict(features, base))).toBe(true); // still works
  });

  it('gives probabilities without an emotion head, even for a hand-made vector whose emotion values are not', async () => {
    const p = await createPersonaliser(FAST);
    const features = new Array<number>(FEATURE_LENGTH).fill(0);
    features[0] = -1;
    features[1] = 0.5;
    features[2] = 0.5;
    const out = Object.values(p.predictEmotions(features));
    expect(out.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(Object.values(p.predictEmotions(new Array<number>(FEATURE_LENGTH).fill(0)))).toEqual(new Array(7).fill(1 / 7));
  });

  it('refuses bad features or base scores in predict() with INVALID_REQUEST', () => {
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isEmoLensError(e) ? `${e.code} ${String(e.details.field)}` : e;
      }
      return 'no error';
    };
    expect(field(() => p.predict(new Float32Array(3), base))).toBe('INVALID_REQUEST features');
    expect(field(() => p.predict(features, { ...base, boredom: Number.NaN }))).toBe('INVALID_REQUEST base.boredom');
    expect(field(() => p.predict(features, { ...base, boredom: 4 }))).toBe('INVALID_REQUEST base.boredom');
    expect(field(() => p.predictEmotions([1, 2, 3]))).toBe('INVALID_REQUEST features');
  });
});

describe('export and import', () => {
  let trained: Personaliser;
  let probes: Correction[];
  beforeAll(async () => {
    const corrections = drowsyCorrections(20, 23).map((c, i) => (i % 2 ? { ...c, correctedEmotion: 'neutral' as const } : c));
    trained = await withCorrections(corrections);
    await trained.train();
    probes = drowsyCorrections(50, 29);
  });

  it('gives identical predictions after export → JSON → import', async () => {
    const json = trained.export()!;
    expect(json).toMatchObject({ format: 'emolens-personalisation', version: 1, counts: { corrections: 20, emotionCorrections: 10 } });
    const other = await createPersonaliser({ ...FAST, blendK: 5 });
    await other.import(JSON.parse(JSON.stringify(json)));
    const text = await createPersonaliser(FAST);
    await text.import(JSON.stringify(json)); // the JSON text works too
    for (const c of probes) {
      const expected = trained.predict(c.features, c.predicted);
      expect(other.predict(c.features, c.predicted)).toEqual(expected);
      expect(text.predict(c.features, c.predicted)).toEqual(expected);
      expect(other.predictEmotions(c.features)).toEqual(trained.predictEmotions(c.features));
    }
    expect(other.export()).toEqual(json);
    expect(other.state).toMatchObject({ corrections: 0, trainedOn: 20 });
  });

  it('refuses a bad import with INVALID_REQUEST and keeps its state', async () => {
    const p = await withCorrections(drowsyCorrections(5, 31));
    await p.train();
    const before = JSON.stringify(p.export());
    const probe = probes[0]!;
    const prediction = p.predict(probe.features, probe.predicted);
    const good = () => JSON.parse(JSON.stringify(trained.export())) as Record<string, any>;
    const cases: [unknown, string][] = [
      ['{"format": "emolens-personal', 'json'],
      [null, 'json'],
      [[1, 2], 'json'],
      [{ hello: 'world' }, 'format'],
      [{ ...good(), version: 2 }, 'version'],
      [{ ...good(), layout: { id: 'emolens-face-v0:31', length: 31 } }, 'layout'],
      [{ ...good(), counts: { corrections: 0, emotionCorrections: 0 } }, 'counts.corrections'],
      [{ ...good(), counts: { corrections: 1.5, emotionCorrections: 0 } }, 'counts.corrections'],
      [{ ...good(), counts: { corrections: 20, emotionCorrections: 0 } }, 'heads.emotion'],
      [(() => { const j = good(); j.normalisation.mean.pop(); return j; })(), 'normalisation.mean'],
      [(() => { const j = good(); j.normalisation.std[4] = 0; return j; })(), 'normalisation.std[4]'],
      [(() => { const j = good(); j.heads.states.w1[7] = null; return j; })(), 'heads.states.w1[7]'],
      [(() => { const j = good(); j.heads.states.w1[7] = Number.NaN; return j; })(), 'heads.states.w1[7]'],
      [(() => { const j = good(); j.heads.states.b2[0] = Number.POSITIVE_INFINITY; return j; })(), 'heads.states.b2[0]'],
      [(() => { const j = good(); j.heads.states.w2[0] = 1e39; return j; })(), 'heads.states.w2[0]'],
      [(() => { const j = good(); j.heads.states.w2[0] = '0.5'; return j; })(), 'heads.states.w2[0]'],
      [(() => { const j = good(); j.heads.states.hidden = 9; return j; })(), 'heads.states.w1'],
      [(() => { const j = good(); j.heads.states.hidden = 0; return j; })(), 'heads.states.hidden'],
      [(() => { const j = good(); j.heads.states.inputs = 10; return j; })(), 'heads.states.inputs'],
      [(() => { const j = good(); j.heads.emotion.outputs = 4; return j; })(), 'heads.emotion.outputs'],
      [(() => { const j = good(); j.heads.emotion.b1 = {}; return j; })(), 'heads.emotion.b1'],
      [(() => { const j = good(); delete j.heads; return j; })(), 'heads'],
      // Holes of a sparse array are not zeros.
      [(() => { const j = good(); j.heads.states.w1 = new Array(j.heads.states.w1.length); return j; })(), 'heads.states.w1[0]'],
      [(() => { const j = good(); delete j.heads.states.w1[7]; return j; })(), 'heads.states.w1[7]'],
      [(() => { const j = good(); return Object.defineProperty(j, 'heads', { enumerable: true, get: () => { throw new Error('trap'); } }); })(), 'json'],
    ];
    for (const [json, field] of cases) {
      expect(await rejection(p.import(json)), JSON.stringify(field)).toEqual({ code: 'INVALID_REQUEST', field });
      expect(JSON.stringify(p.export())).toBe(before);
      expect(p.predict(probe.features, probe.predicted)).toEqual(prediction);
    }
  });
});

describe('lifecycle', () => {
  it('retrains in the background after every retrainEvery corrections', async () => {
    const trained: number[] = [];
    const p = await createPersonaliser({ ...FAST, retrainEvery: 4, onTrained: (i) => trained.push(i.corrections) });
    const corrections = drowsyCorrections(9, 37);
    for (const c of corrections.slice(0, 3)) await p.addCorrection(c);
    await p.idle();
    expect(trained).toEqual([]);
    await p.addCorrection(corrections[3]!);
    expect(p.state.training).toBe(true);
    await p.idle();
    expect(trained).toEqual([4]);
    for (const c of corrections.slice(4)) await p.addCorrection(c); // 4 more while nothing runs, then one
    await p.idle();
    expect(trained).toEqual([4, 8]);
    expect(p.state).toMatchObject({ corrections: 9, trainedOn: 8, pending: 1, training: false });
  });

  it('keeps the newest maxCorrections', async () => {
    const p = await withCorrections(drowsyCorrections(7, 41), { ...FAST, maxCorrections: 5 });
    expect(p.state.corrections).toBe(5);
    expect((await p.train()).corrections).toBe(5);
  });

  it('reset() forgets everything, and a training in flight is discarded', async () => {
    const p = await withCorrections(drowsyCorrections(6, 43));
    await p.train();
    const training = p.train();
    await p.reset();
    expect((await training).skipped).toBe(true);
    expect(p.export()).toBeNull();
    expect(p.state).toEqual({ corrections: 0, trainedOn: 0, pending: 0, weight: 0, training: false });
    const c = drowsyCorrections(1, 47)[0]!;
    expect(p.predict(c.features, c.predicted)).toEqual(c.predicted);
  });

  it('a reset() called right after addCorrection(), not awaited, clears that correction too', async () => {
    const p = await createPersonaliser(FAST);
    const [c] = drowsyCorrections(1, 53);
    const added = p.addCorrection(c!);
    const reset = p.reset();
    await Promise.all([added, reset]);
    expect(p.state.corrections).toBe(0);
  });

  it('rejects with DISPOSED after dispose(), and a training in flight settles', async () => {
    const p = await withCorrections(drowsyCorrections(20, 59));
    const training = p.train();
    p.dispose();
    expect((await rejection(training)).code).toBe('DISPOSED');
    await p.idle();
    expect((await rejection(p.train())).code).toBe('DISPOSED');
    expect((await rejection(p.addCorrection(drowsyCorrections(1, 1)[0]!))).code).toBe('DISPOSED');
    const c = drowsyCorrections(1, 61)[0]!;
    for (const call of [() => p.predict(c.features, c.predicted), () => p.predictEmotions(c.features), () => p.export()]) {
      expect(() => call()).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
    }
  });

  it('refuses a correction it cannot read (a getter that throws) with INVALID_REQUEST', async () => {
    const p = await createPersonaliser(FAST);
    const c = drowsyCorrections(1, 67)[0]!;
    const hostile = Object.defineProperty({ ...c }, 'corrected', { enumerable: true, get: () => { throw new Error('trap'); } });
    expect(await rejection(p.addCorrection(hostile))).toEqual({ code: 'INVALID_REQUEST', field: 'correction' });
    expect(p.state.corrections).toBe(0);
  });
});
