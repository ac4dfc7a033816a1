/**
 * The optimal assignment of rows to columns (tracks to detections): the Hungarian algorithm (Kuhn–Munkres, in
 * the O(n²·m) form with potentials). A frame holds at most 100 faces (`MAX_FACES`), a million steps at worst and a
 * few dozen in practice, so the exact answer costs nothing; a greedy match by descending overlap can take one
 * face's best pair and leave a second face with none where both could have been matched.
 */

/**
 * The assignment of rows to columns that maximises the total weight. `weights[r][c]` ≥ 0 is the worth of pairing
 * row `r` with column `c`; a weight of 0 is no pair.
 * @returns each row's column, or -1 for a row left without one.
 */
export function maxWeightAssignment(weights: readonly (readonly number[])[], columns: number): number[] {
  const rows = weights.length;
  if (rows === 0 || columns === 0) return new Array<number>(rows).fill(-1);
  if (rows > columns) {
    // The algorithm assigns every row of the smaller side: solve the transpose.
    const transposed = Array.from({ length: columns }, (_, c) => weights.map((row) => row[c]!));
    const rowOf = maxWeightAssignment(transposed, rows);
    const columnOf = new Array<number>(rows).fill(-1);
    rowOf.forEach((r, c) => {
      if (r >= 0) columnOf[r] = c;
    });
    return columnOf;
  }
  const cost = (r: number, c: number) => -weights[r]![c]!;
  // 1-based: column 0 and row 0 are the algorithm's sentinel.
  const u = new Array<number>(rows + 1).fill(0);
  const v = new Array<number>(columns + 1).fill(0);
  const rowOfColumn = new Array<number>(columns + 1).fill(0);
  const way = new Array<number>(columns + 1).fill(0);
  for (let r = 1; r <= rows; r++) {
    rowOfColumn[0] = r;
    let c0 = 0;
    const minv = new Array<number>(columns + 1).fill(Infinity);
    const used = new Array<boolean>(columns + 1).fill(false);
    do {
      used[c0] = true;
      const r0 = rowOfColumn[c0]!;
      let delta = Infinity;
      let c1 = 0;
      for (let c = 1; c <= columns; c++) {
        if (used[c]) continue;
        const reduced = cost(r0 - 1, c - 1) - u[r0]! - v[c]!;
        if (reduced < minv[c]!) {
          minv[c] = reduced;
          way[c] = c0;
        }
        if (minv[c]! < delta) {
          delta = minv[c]!;
          c1 = c;
        }
      }
      for (let c = 0; c <= columns; c++) {
        if (used[c]) {
          u[rowOfColumn[c]!]! += delta;
          v[c]! -= delta;
        } else {
          minv[c]! -= delta;
        }
      }
      c0 = c1;
    } while (rowOfColumn[c0] !== 0);
    do {
      const c1 = way[c0]!;
      rowOfColumn[c0] = rowOfColumn[c1]!;
      c0 = c1;
    } while (c0 !== 0);
  }
  const columnOf = new Array<number>(rows).fill(-1);
  for (let c = 1; c <= columns; c++) {
    const r = rowOfColumn[c]! - 1;
    if (r >= 0 && weights[r]![c - 1]! > 0) columnOf[r] = c - 1;
  }
  return columnOf;
}
