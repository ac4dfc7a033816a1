/**
 * The demo's colours: one per emotion (bars, chart lines, the label band), one per face (its box and its card).
 * Emotion colours are told apart by hue and lightness both, so that the chart stays readable for most colour
 * vision; the bars name each colour, so they double as the chart's legend.
 */
import { WIA_EMOTIONS, type WiaEmotion } from '@emolens/core';

export const EMOTION_COLORS: Readonly<Record<WiaEmotion, string>> = {
  happiness: '#ffd23f',
  sadness: '#4d9de0',
  anger: '#e5484d',
  fear: '#a97fe0',
  disgust: '#46b37a',
  surprise: '#ff8c42',
  neutral: '#9aa5b1',
};

/** Emotion colours in `WIA_EMOTIONS` order, for code that works with label indexes. */
export const EMOTION_COLOR_LIST: readonly string[] = WIA_EMOTIONS.map((label) => EMOTION_COLORS[label]);

/** The first face is the green of the original demo (the end-to-end test looks for it on the overlay). */
const FACE_COLORS = ['#33ff33', '#3cc8ff', '#ff5ccd', '#ffe14d', '#ff9b54', '#b794ff'];

/** The colour of face `id`'s box and card (ids are small integers, reused colours are far apart in time). */
export function faceColor(id: number): string {
  return FACE_COLORS[id % FACE_COLORS.length]!;
}
