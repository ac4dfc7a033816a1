/** The photos table's rows, and their CSV/JSON export. */
import type { WiaFaceResult } from '@emolens/core';
import { LEARNING_STATES, type LearningState } from '@emolens/schema';

/** One analysed photo: its result, or the error code it got. */
export interface PhotoRow {
  file: string;
  result?: WiaFaceResult;
  error?: { code: string; message: string };
}

const COLUMNS = ['file', 'faces', 'emotion', 'confidence', 'valence', 'arousal', ...LEARNING_STATES, 'error'] as const;

/** The table's cells of a row: the first face's figures, learning states (0–3) included (one line per photo). */
export function cells(row: PhotoRow): Record<(typeof COLUMNS)[number], string> {
  const face = row.result?.faces[0];
  return {
    file: row.file,
    faces: row.result ? String(row.result.faces.length) : '',
    emotion: face?.emotions.primary.label ?? '',
    confidence: face ? face.emotions.primary.confidence.toFixed(3) : '',
    valence: face?.dimensions ? face.dimensions.valence.toFixed(3) : '',
    arousal: face?.dimensions ? face.dimensions.arousal.toFixed(3) : '',
    ...(Object.fromEntries(LEARNING_STATES.map((s) => [s, face?.learning_states ? face.learning_states[s].toFixed(2) : ''])) as Record<LearningState, string>),
    error: row.error?.code ?? '',
  };
}

/** The rows as CSV (RFC 4180 quoting), one line per photo. */
export function toCsv(rows: readonly PhotoRow[]): string {
  const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => quote(cells(r)[c])).join(','))].join('\r\n') + '\r\n';
}

/** The rows as JSON: each photo's full WIA result (every face), or its error. */
export function toJson(rows: readonly PhotoRow[]): string {
  return JSON.stringify(rows, null, 2);
}

export { COLUMNS };
