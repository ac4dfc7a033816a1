import { describe, expect, it } from 'vitest';
import { classifierManifest } from '../../assets/registry.js';
import { emotionScores } from '../classify/emotion-scores.js';
import { SIGNALS } from '../derive/registry.js';
import { signal } from '../derive/signal.js';
import type { DetectedFace } from '../find/detected-face.js';
import { formatFace } from './format-face.js';

const face: DetectedFace = { bbox: { x: 10, y: 20, width: 30, height: 40 }, frame: { cx: 25, cy: 40, side: 40, angle: 0 } };

describe('emotionScores', () => {
  it('maps each model\'s vocabulary to the WIA words, normalised and sorted', () => {
    // emolens-fer: FER2013 words (angry … neutral); faceapi-expression: its own (neutral, happy, sad, …).
    const fer = emotionScores(Float32Array.from([2, 0, 0, 6, 0, 0, 2]), classifierManifest('emolens-fer'));
    expect(fer.slice(0, 3)).toEqual([{ label: 'happiness', confidence: 0.6 }, { label: 'anger', confidence: 0.2 }, { label: 'neutral', confidence: 0.2 }]);
    expect(fer.reduce((s, x) => s + x.confidence, 0)).toBeCloseTo(1, 12);
    const faceapi = classifierManifest('faceapi-expression');
    const probs = new Float32Array(faceapi.labels.length);
    probs[faceapi.labels.indexOf('surprised')] = 1;
    expect(emotionScores(probs, faceapi)[0]).toEqual({ label: 'surprise', confidence: 1 });
  });
});

describe('formatFace', () => {
  const scores = emotionScores(Float32Array.from([0, 0, 0, 1, 0, 0, 0]), classifierManifest('emolens-fer'));

  it('writes box and emotions, then each requested signal in registry order', () => {
    const mesh = new Float32Array(478 * 3);
    const transform = new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    const out = formatFace(3, { ...face, mesh, transform }, scores, SIGNALS);
    expect(Object.keys(out)).toEqual(['face_id', 'bbox', 'emotions', 'dimensions', 'landmarks', 'head_pose']);
    expect(out.face_id).toBe(3);
    expect(out.bbox).toEqual(face.bbox);
    expect(out.bbox).not.toBe(face.bbox);
    expect(out.emotions.primary).toEqual({ label: 'happiness', confidence: 1 });
    expect(out.head_pose).toEqual({ yaw: 0, pitch: 0, roll: 0 });
  });

  it('leaves a signal out when the face lacks what it needs', () => {
    expect(Object.keys(formatFace(0, face, scores, SIGNALS))).toEqual(['face_id', 'bbox', 'emotions', 'dimensions']);
  });

  it('hands a signal its previous value only when it needs it', () => {
    const seen: unknown[] = [];
    const spy = (needs: ('previous' | 'scores')[]) => signal({ field: 'dimensions', option: 'returnDimensions', needs, derive: ({ previous }) => (seen.push(previous), undefined) });
    formatFace(0, face, scores, [spy(['previous']), spy(['scores'])], () => 'last');
    expect(seen).toEqual(['last', undefined]);
  });
});
