import { describe, expect, it } from 'vitest';
import { accuracy, confusion, macroF1, perClass, rocAuc } from './metrics.ts';

describe('eval metrics', () => {
  // 3 classes, 8 samples.
  const truth = [0, 0, 0, 1, 1, 2, 2, 2];
  const predicted = [0, 0, 1, 1, 2, 2, 2, 0];

  it('confusion: rows are the true class, columns the prediction', () => {
    expect(confusion(truth, predicted, 3)).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [1, 0, 2],
    ]);
  });

  it('accuracy and macro-F1 by hand', () => {
    const m = confusion(truth, predicted, 3);
    expect(accuracy(m)).toBeCloseTo(5 / 8, 12);
    // class 0: P = 2/3, R = 2/3 → F1 2/3; class 1: P = 1/2, R = 1/2 → 1/2; class 2: P = 2/3, R = 2/3 → 2/3.
    expect(perClass(m).map((c) => c.f1)).toEqual([2 / 3, 1 / 2, 2 / 3].map((x) => expect.closeTo(x, 12)));
    expect(macroF1(m)).toBeCloseTo((2 / 3 + 1 / 2 + 2 / 3) / 3, 12);
  });

  it('macro-F1 counts a predicted-but-absent class as 0 and ignores a class absent from both', () => {
    // 4 classes; class 3 never occurs; class 2 is only predicted (wrongly).
    const m = confusion([0, 0, 1, 1], [0, 2, 1, 1], 4);
    // class 0: P 1, R 1/2 → 2/3; class 1: P 1, R 1 → 1; class 2: 0.
    expect(macroF1(m)).toBeCloseTo((2 / 3 + 1 + 0) / 3, 12);
    expect(accuracy(confusion([], [], 4))).toBeNaN();
  });

  it('rejects mismatched lengths and out-of-range classes', () => {
    expect(() => confusion([0], [0, 1], 2)).toThrow();
    expect(() => confusion([0], [2], 2)).toThrow();
  });

  it('ROC AUC by ranks: perfect, reversed, ties and chance', () => {
    expect(rocAuc([3, 4], [1, 2])).toBe(1);
    expect(rocAuc([1, 2], [3, 4])).toBe(0);
    expect(rocAuc([1], [1])).toBe(0.5);
    // pairs (p > n): 2>1 yes, 2>3 no, 4>1 yes, 4>3 yes → 3 of 4.
    expect(rocAuc([2, 4], [1, 3])).toBe(0.75);
    expect(rocAuc([], [1])).toBeNaN();
  });
});
