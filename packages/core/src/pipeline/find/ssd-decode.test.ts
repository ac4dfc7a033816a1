import { describe, expect, it } from 'vitest';
import type { DetectorSpec } from '../../assets/manifest.js';
import { decodeSsd, ssdAnchors, weightedNms, type SsdDetection } from './ssd-decode.js';

const SPEC: DetectorSpec = {
  input: { name: 'input', width: 128, height: 128, mean: [127.5], std: [127.5] },
  outputs: { boxes: 'regressors', scores: 'classificators' },
  anchors: [
    { stride: 8, perCell: 2 },
    { stride: 16, perCell: 6 },
  ],
  keypoints: 6,
  nmsThreshold: 0.3,
};

describe('ssdAnchors', () => {
  it("lays out BlazeFace short range's 896 anchors: 16×16 cells × 2, then 8×8 cells × 6, row by row", () => {
    const a = ssdAnchors(SPEC);
    expect(a.length).toBe(2 * 896);
    expect([a[0], a[1], a[2], a[3]]).toEqual([0.5 / 16, 0.5 / 16, 0.5 / 16, 0.5 / 16]);
    expect([a[4], a[5]]).toEqual([1.5 / 16, 0.5 / 16]); // next cell of the first row
    expect([a[2 * 32], a[2 * 32 + 1]]).toEqual([0.5 / 16, 1.5 / 16]); // first cell of the second row
    expect([a[2 * 512], a[2 * 512 + 1]]).toEqual([0.5 / 8, 0.5 / 8]);
    expect([a[2 * 895], a[2 * 895 + 1]]).toEqual([7.5 / 8, 7.5 / 8]);
  });
});

describe('decodeSsd', () => {
  it('decodes offsets in input pixels around the anchor, and keeps only scores ≥ minScore', () => {
    const anchors = ssdAnchors(SPEC);
    const boxes = new Float32Array(896 * 16);
    const scores = new Float32Array(896).fill(-10);
    const a = 600; // an 8×8-grid anchor
    scores[a] = Math.log(0.9 / 0.1);
    boxes.set([6.4, -12.8, 32, 64, 0, 0, 12.8, 0], a * 16);
    scores[5] = Math.log(0.4 / 0.6);
    const found = decodeSsd(boxes, scores, anchors, SPEC, 0.5);
    expect(found).toHaveLength(1);
    const [d] = found as [SsdDetection];
    expect(d.score).toBeCloseTo(0.9, 6);
    const cx = anchors[2 * a]! + 0.05;
    const cy = anchors[2 * a + 1]! - 0.1;
    expect(d.box.x).toBeCloseTo(cx - 0.125, 6);
    expect(d.box.y).toBeCloseTo(cy - 0.25, 6);
    expect(d.box.width).toBeCloseTo(0.25, 6);
    expect(d.box.height).toBeCloseTo(0.5, 6);
    expect(d.keypoints[0]![0]).toBeCloseTo(anchors[2 * a]!, 6);
    expect(d.keypoints[1]![0]).toBeCloseTo(anchors[2 * a]! + 0.1, 6);
    expect(decodeSsd(boxes, scores, anchors, SPEC, 0.35)).toHaveLength(2);
  });

  it('rejects outputs of the wrong size', () => {
    expect(() => decodeSsd(new Float32Array(10), new Float32Array(896), ssdAnchors(SPEC), SPEC, 0.5)).toThrow(/896 anchors/);
  });
});

describe('weightedNms', () => {
  const det = (score: number, x: number, kx = x): SsdDetection => ({ score, box: { x, y: 0, width: 1, height: 1 }, keypoints: [[kx, 0]] });

  it('merges overlapping detections into the best one, weighted by score, and keeps the others apart', () => {
    const out = weightedNms([det(0.6, 0.2), det(0.9, 0), det(0.8, 5)], 0.3);
    expect(out.map((d) => d.score)).toEqual([0.9, 0.8]);
    expect(out[0]!.box.x).toBeCloseTo((0.9 * 0 + 0.6 * 0.2) / 1.5, 10);
    expect(out[0]!.box.width).toBeCloseTo(1, 10);
    expect(out[0]!.keypoints[0]![0]).toBeCloseTo((0.6 * 0.2) / 1.5, 10);
    expect(out[1]).toEqual(det(0.8, 5));
  });

  it('keeps detections overlapping by less than the threshold', () => {
    expect(weightedNms([det(0.9, 0), det(0.8, 0.6)], 0.3)).toHaveLength(2); // IoU 0.4/1.6 = 0.25
  });
});
