/**
 * A video's analysis on screen: the summary (dominant emotion, average valence/arousal, transitions) and, per face,
 * its average bars and its emotions over the video's time.
 */
import { WIA_EMOTIONS, type WiaDimensions, type WiaEmotionScore, type WiaVideoResult } from '@emolens/core';
import { drawEmotionChart, videoTicks } from './chart.ts';
import { h } from './dom.ts';
import { FaceCard } from './face-card.ts';
import { fixed2, seconds, signed } from './format.ts';
import { EMOTION_COLORS } from './palette.ts';
import { toPoint, type EmotionPoint } from './series.ts';

/** One face through the video. */
interface FaceThrough {
  id: number;
  points: EmotionPoint[];
  /** Mean of each class's probability over its observations. */
  mean: WiaEmotionScore[];
  meanDimensions: WiaDimensions | undefined;
  /** The primary label it had most often. */
  mostly: string;
}

/** Fills `summary` and `faces` with `result`'s report; returns a function that redraws the charts (on resize). */
export function renderVideoReport(result: WiaVideoResult, summary: HTMLElement, faces: HTMLElement): () => void {
  const { dominant_emotion, average_valence, average_arousal, emotion_transitions } = result.summary;
  const people = facesThrough(result);
  const dominant = h('dd', { attrs: { 'data-field': 'dominant' } });
  if (dominant_emotion) dominant.append(swatch(EMOTION_COLORS[dominant_emotion]), document.createTextNode(dominant_emotion));
  else dominant.textContent = 'no face found';
  const item = (term: string, field: string, value: string) => h('div', {}, h('dt', { text: term }), h('dd', { text: value, attrs: { 'data-field': field } }));
  summary.replaceChildren(
    h('div', { className: 'wide' }, h('dt', { text: 'Dominant emotion' }), dominant),
    item('Average valence', 'valence', average_valence === null ? '–' : signed(average_valence)),
    item('Average arousal', 'arousal', fixed2(average_arousal)),
    item('Transitions', 'transitions', String(emotion_transitions)),
    item('Faces', 'faces', String(people.length)),
    item('Frames analysed', 'frames', `${result.analyzed_frames} of ${result.frame_count}`),
    item('Duration', 'duration', seconds(result.duration_ms)),
  );

  const gapMs = gapOf(result);
  const cards = people.map((person) => {
    const card = new FaceCard(person.id, `Emotions of face #${person.id} over the video`);
    const first = person.points[0]!.t;
    const last = person.points.at(-1)!.t;
    card.update(person.mean, person.mostly, person.meanDimensions, `mostly ${person.mostly}`, `${seconds(first)}–${seconds(last)} · average`);
    return { card, person };
  });
  faces.replaceChildren(...cards.map(({ card }) => card.element));
  if (people.length === 0) faces.append(h('p', { className: 'empty', text: 'No face was found in this video.' }));

  const draw = () => {
    for (const { card, person } of cards) {
      drawEmotionChart(card.chart, person.points, { from: 0, to: Math.max(result.duration_ms, person.points.at(-1)!.t), gapMs, ticks: (width) => videoTicks(result.duration_ms, width) });
    }
  };
  draw();
  return draw;
}

function facesThrough(result: WiaVideoResult): FaceThrough[] {
  const byId = new Map<number, { points: EmotionPoint[]; sums: number[]; v: number; a: number; dims: number; labels: Map<string, number> }>();
  for (const frame of result.timeline) {
    for (const face of frame.faces) {
      let entry = byId.get(face.face_id);
      if (!entry) byId.set(face.face_id, (entry = { points: [], sums: WIA_EMOTIONS.map(() => 0), v: 0, a: 0, dims: 0, labels: new Map() }));
      const point = toPoint(frame.timestamp_ms, face);
      entry.points.push(point);
      point.probs.forEach((p, i) => (entry.sums[i]! += p));
      if (face.dimensions) {
        entry.v += face.dimensions.valence;
        entry.a += face.dimensions.arousal;
        entry.dims++;
      }
      const label = face.emotions.primary.label;
      entry.labels.set(label, (entry.labels.get(label) ?? 0) + 1);
    }
  }
  return [...byId.entries()]
    .sort(([a], [b]) => a - b)
    .map(([id, e]) => ({
      id,
      points: e.points,
      mean: WIA_EMOTIONS.map((label, i) => ({ label, confidence: e.sums[i]! / e.points.length })),
      meanDimensions: e.dims > 0 ? { valence: e.v / e.dims, arousal: e.a / e.dims } : undefined,
      mostly: [...e.labels.entries()].sort((x, y) => y[1] - x[1])[0]![0],
    }));
}

/** Analysed frames further apart than 2.5 sampling intervals are not joined: a face was missing in between. */
function gapOf(result: WiaVideoResult): number {
  const times = result.timeline.map((f) => f.timestamp_ms);
  const steps = times.slice(1).map((t, i) => t - times[i]!).sort((a, b) => a - b);
  const median = steps[Math.floor(steps.length / 2)] ?? 1000;
  return median * 2.5;
}

function swatch(color: string): HTMLElement {
  const i = h('i', { className: 'swatch', attrs: { 'aria-hidden': 'true' } });
  i.style.background = color;
  return i;
}

