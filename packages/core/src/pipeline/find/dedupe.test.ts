import { describe, expect, it } from 'vitest';
import { iou, overlapOfSmaller } from '../box.js';
import { dedupe } from './dedupe.js';

describe('iou', () => {
  it('is 1 for the same box, 0 for disjoint boxes, and 1/3 for half-overlapping equal boxes', () => {
    const a = { x: 0, y: 0, width: 10, height: 10 };
    expect(iou(a, a)).toBe(1);
    expect(iou(a, { x: 20, y: 0, width: 10, height: 10 })).toBe(0);
    expect(iou(a, { x: 5, y: 0, width: 10, height: 10 })).toBeCloseTo(1 / 3, 10);
    expect(iou(a, { x: 0, y: 0, width: 0, height: 0 })).toBe(0);
  });
});

describe('dedupe', () => {
  it('drops later boxes that overlap a kept one and keeps the order of the rest', () => {
    const boxes = [
      { x: 0, y: 0, width: 100, height: 100 },
      { x: 10, y: 5, width: 100, height: 100 }, // same face, found twice
      { x: 300, y: 0, width: 50, height: 50 },
    ];
    expect(dedupe(boxes, (b) => b)).toEqual([boxes[0], boxes[2]]);
  });

  it('takes a box lying inside a larger one for the same face', () => {
    const outer = { x: 0, y: 0, width: 100, height: 120 };
    const inner = { x: 5, y: 5, width: 50, height: 50 }; // IoU 0.21, but fully contained
    expect(overlapOfSmaller(outer, inner)).toBe(1);
    expect(dedupe([outer, inner], (b) => b)).toEqual([outer]);
    const neighbour = { x: 90, y: 0, width: 100, height: 120 }; // touching faces in a group photo
    expect(dedupe([outer, neighbour], (b) => b)).toEqual([outer, neighbour]);
  });
});
