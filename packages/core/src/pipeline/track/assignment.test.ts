import { describe, expect, it } from 'vitest';
import { maxWeightAssignment } from './assignment.js';

/** The best total weight over every assignment, by trying them all. */
function bestTotal(weights: number[][], columns: number, row = 0, taken = new Set<number>()): number {
  if (row === weights.length) return 0;
  let best = bestTotal(weights, columns, row + 1, taken); // row left without a column
  for (let c = 0; c < columns; c++) {
    if (taken.has(c) || weights[row]![c]! <= 0) continue;
    taken.add(c);
    best = Math.max(best, weights[row]![c]! + bestTotal(weights, columns, row + 1, taken));
    taken.delete(c);
  }
  return best;
}

function total(weights: number[][], assignment: number[]): number {
  return assignment.reduce((sum, c, r) => sum + (c < 0 ? 0 : weights[r]![c]!), 0);
}

describe('maxWeightAssignment', () => {
  it('beats the greedy choice where the best pair would leave another row with nothing', () => {
    // Greedy takes (0, 0) = 0.9 and leaves row 1 alone; the optimum pairs both rows (0.8 + 0.7).
    expect(maxWeightAssignment([[0.9, 0.8], [0.7, 0]], 2)).toEqual([1, 0]);
  });

  it('leaves rows and columns with no positive weight unassigned, in either shape', () => {
    expect(maxWeightAssignment([], 3)).toEqual([]);
    expect(maxWeightAssignment([[0, 0], [0, 0]], 0)).toEqual([-1, -1]);
    expect(maxWeightAssignment([[0, 0.5, 0]], 3)).toEqual([1]);
    expect(maxWeightAssignment([[0], [0.4], [0.6]], 1)).toEqual([-1, -1, 0]);
    expect(maxWeightAssignment([[0, 0], [0, 0]], 2)).toEqual([-1, -1]);
  });

  it('finds the best total on random matrices of every shape up to 6 × 6, each column used once', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let trial = 0; trial < 400; trial++) {
      const rows = 1 + Math.floor(random() * 6);
      const columns = 1 + Math.floor(random() * 6);
      const weights = Array.from({ length: rows }, () => Array.from({ length: columns }, () => (random() < 0.4 ? 0 : random())));
      const assignment = maxWeightAssignment(weights, columns);
      expect(assignment).toHaveLength(rows);
      const used = assignment.filter((c) => c >= 0);
      expect(new Set(used).size).toBe(used.length);
      assignment.forEach((c, r) => c >= 0 && expect(weights[r]![c]).toBeGreaterThan(0));
      expect(total(weights, assignment)).toBeCloseTo(bestTotal(weights, columns), 9);
    }
  });

  it('solves 100 × 100 (the most faces a frame holds) at once', () => {
    const weights = Array.from({ length: 100 }, (_, r) => Array.from({ length: 100 }, (_, c) => (c === (r * 37) % 100 ? 1 : 0.01)));
    const started = performance.now();
    const assignment = maxWeightAssignment(weights, 100);
    expect(performance.now() - started).toBeLessThan(500);
    expect(assignment).toEqual(weights.map((_, r) => (r * 37) % 100));
  });
});
