import { describe, expect, it } from 'vitest';
import { WIA_EMOTIONS, type WiaEmotion, type WiaFace } from '@emolens/schema';
import { TRACKING_DEFAULTS, type ResolvedTrackingOptions } from '../../options.js';
import { valenceArousal } from '../derive/valence-arousal.js';
import { FaceSmoothing } from './face-smoothing.js';

/** A face as one frame gives it: sorted scores, primary = all[0], dimensions from the scores. */
function face(probabilities: Partial<Record<WiaEmotion, number>>, extra: Partial<WiaFace> = {}): WiaFace {
  const all = WIA_EMOTIONS.map((label) => ({ label, confidence: probabilities[label] ?? 0 })).sort((a, b) => b.confidence - a.confidence);
  return { face_id: 4, bbox: { x: 1, y: 2, width: 30, height: 30 }, emotions: { primary: { ...all[0]! }, all }, dimensions: valenceArousal(all), ...extra };
}

const HAPPY = { happiness: 0.8, neutral: 0.15, surprise: 0.05 };
const SAD = { sadness: 0.7, neutral: 0.2, fear: 0.1 };
const options = (changes: Partial<ResolvedTrackingOptions> = {}) => ({ ...TRACKING_DEFAULTS, ...changes });

describe('FaceSmoothing', () => {
  it('starts a track from its raw values, and keeps them under raw', () => {
    const own = face(HAPPY);
    const out = new FaceSmoothing(options()).apply(own, 1000);
    expect(out.emotions.all.map((s) => s.label)).toEqual(own.emotions.all.map((s) => s.label));
    out.emotions.all.forEach((s, i) => expect(s.confidence).toBeCloseTo(own.emotions.all[i]!.confidence, 12));
    expect(out.emotions.primary.label).toBe('happiness');
    expect(out.dimensions).toEqual(own.dimensions);
    expect(out.raw).toEqual({ emotions: own.emotions, dimensions: own.dimensions });
    expect(Object.keys(out)).toEqual(['face_id', 'bbox', 'emotions', 'dimensions', 'raw']);
    expect([out.face_id, out.bbox]).toEqual([own.face_id, own.bbox]);
  });

  it.each(['one-euro', 'ema'] as const)('%s: smooths a change, every frame summing to 1 and sorted, and converges to a constant input', (smoothing) => {
    const track = new FaceSmoothing(options({ smoothing }));
    track.apply(face(HAPPY), 0);
    let out: WiaFace | undefined;
    for (let k = 1; k <= 90; k++) {
      out = track.apply(face(SAD), (k * 1000) / 30);
      const confidences = out.emotions.all.map((s) => s.confidence);
      expect(confidences.reduce((sum, c) => sum + c, 0)).toBeCloseTo(1, 12);
      expect([...confidences].sort((a, b) => b - a)).toEqual(confidences);
      expect(out.raw!.emotions.primary.label).toBe('sadness');
      if (k === 1) {
        // One frame after the change, still mostly happy: the smoothed values lag the raw ones.
        expect(out.emotions.all[0]!.label).toBe('happiness');
        expect(out.dimensions!.valence).toBeGreaterThan(out.raw!.dimensions!.valence);
      }
    }
    const sad = new Map(out!.emotions.all.map((s) => [s.label, s.confidence]));
    for (const [label, p] of Object.entries(SAD)) expect(sad.get(label as WiaEmotion)).toBeCloseTo(p, 3);
    expect(out!.emotions.primary.label).toBe('sadness');
    expect(out!.dimensions!.valence).toBeCloseTo(out!.raw!.dimensions!.valence, 3);
  });

  it('holds the primary label within the hysteresis margin, with its own smoothed confidence', () => {
    const track = new FaceSmoothing(options({ smoothing: 'off', labelHysteresis: 0.1 }));
    expect(track.apply(face({ neutral: 0.5, happiness: 0.45, surprise: 0.05 }), 0).emotions.primary).toEqual({ label: 'neutral', confidence: 0.5 });
    const out = track.apply(face({ neutral: 0.45, happiness: 0.5, surprise: 0.05 }), 33);
    expect(out.emotions.all[0]).toEqual({ label: 'happiness', confidence: 0.5 });
    expect(out.emotions.primary).toEqual({ label: 'neutral', confidence: 0.45 });
    expect(track.apply(face({ neutral: 0.35, happiness: 0.6, surprise: 0.05 }), 66).emotions.primary).toEqual({ label: 'happiness', confidence: 0.6 });
  });

  it('with smoothing off, reports the raw values and no raw field; leaves out dimensions the face has none of', () => {
    const own = face(HAPPY);
    delete own.dimensions;
    const out = new FaceSmoothing(options({ smoothing: 'off' })).apply(own, 0);
    expect(out).toEqual(own);
    const smoothed = new FaceSmoothing(options()).apply(own, 0);
    expect(Object.keys(smoothed)).toEqual(['face_id', 'bbox', 'emotions', 'raw']);
    expect(Object.keys(smoothed.raw!)).toEqual(['emotions']);
  });
});
