/** How numbers read on screen. */

/** `0.8375` → `84%`. */
export const percent = (p: number): string => `${Math.round(p * 100)}%`;

/** `1234` → `1.2 s`. */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** A valence, signed so that the sign reads at a glance: `+0.63`, `−0.20` (a true minus sign). */
export const signed = (value: number): string => `${value < 0 ? '−' : '+'}${Math.abs(value).toFixed(2)}`;

/** A number with 2 decimals, or an en dash for `null` (a summary with no face has no average). */
export const fixed2 = (value: number | null): string => (value === null ? '–' : value.toFixed(2));
