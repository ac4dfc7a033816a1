/** `value` rounded to `decimals` places: the one rounding rule of every figure the SDK reports (−0 becomes 0). */
export function round(value: number, decimals: number): number {
  const k = 10 ** decimals;
  return Math.round(value * k) / k + 0;
}
