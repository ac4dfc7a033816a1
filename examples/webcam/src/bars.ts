/**
 * Bars for one face's values: the seven emotions, always in the same order (rows that trade places as
 * probabilities change would be unreadable live), valence/arousal and the four learning states on their own scales. Each bar is an ARIA
 * meter, so a screen reader reads "happiness, 84%".
 */
import { WIA_EMOTIONS, type WiaDimensions, type WiaEmotionScore } from '@emolens/core';
import { LEARNING_STATE_MAX, LEARNING_STATE_MIN, LEARNING_STATES, type LearningState, type LearningStateScores } from '@emolens/schema';
import { h } from './dom.ts';
import { percent, signed } from './format.ts';
import { EMOTION_COLORS } from './palette.ts';

interface Bar {
  meter: HTMLElement;
  fill: HTMLElement;
  value: HTMLElement;
}

function bar(name: string, color: string | undefined, range: { min: number; max: number }): Bar {
  const fill = h('span', { className: 'bar-fill' });
  if (color) fill.style.background = color;
  const value = h('span', { className: 'bar-value' });
  const swatch = h('i', { className: 'swatch', attrs: { 'aria-hidden': 'true' } });
  if (color) swatch.style.background = color;
  const meter = h(
    'div',
    { className: 'bar', attrs: { role: 'meter', 'aria-label': name, 'aria-valuemin': String(range.min), 'aria-valuemax': String(range.max) } },
    h('span', { className: 'bar-name' }, ...(color ? [swatch] : []), document.createTextNode(name)),
    h('span', { className: 'bar-track' }, fill),
    value,
  );
  return { meter, fill, value };
}

function set(b: Bar, now: number, text: string): void {
  b.meter.setAttribute('aria-valuenow', String(now));
  b.meter.setAttribute('aria-valuetext', text);
  b.value.textContent = text;
}

/** The seven emotion bars. */
export class EmotionBars {
  readonly element: HTMLElement;
  private readonly bars = new Map<string, Bar>();

  constructor() {
    this.element = h('div', { className: 'bars' });
    for (const label of WIA_EMOTIONS) {
      const b = bar(label, EMOTION_COLORS[label], { min: 0, max: 100 });
      this.bars.set(label, b);
      this.element.append(b.meter);
    }
  }

  /** Shows `scores` (any order); `primary` is marked as the face's label. */
  update(scores: readonly WiaEmotionScore[], primary: string): void {
    for (const { label, confidence } of scores) {
      const b = this.bars.get(label);
      if (!b) continue;
      b.fill.style.width = `${(confidence * 100).toFixed(1)}%`;
      set(b, Math.round(confidence * 100), percent(confidence));
      b.meter.classList.toggle('primary', label === primary);
    }
  }
}

/** Valence (−1 unpleasant … +1 pleasant, drawn from the centre) and arousal (0 calm … 1 excited). */
export class DimensionBars {
  readonly element: HTMLElement;
  private readonly valence = bar('valence', undefined, { min: -1, max: 1 });
  private readonly arousal = bar('arousal', undefined, { min: 0, max: 1 });

  constructor() {
    this.valence.meter.classList.add('centred');
    this.element = h('div', { className: 'bars dims' }, this.valence.meter, this.arousal.meter);
  }

  update(dimensions: WiaDimensions | undefined): void {
    this.element.hidden = !dimensions;
    if (!dimensions) return;
    const { valence, arousal } = dimensions;
    // From the centre line to the value: left of it for unpleasant, right for pleasant.
    this.valence.fill.style.left = `${50 + Math.min(0, valence) * 50}%`;
    this.valence.fill.style.width = `${Math.abs(valence) * 50}%`;
    this.valence.fill.classList.toggle('negative', valence < 0);
    set(this.valence, Number(valence.toFixed(2)), signed(valence));
    this.arousal.fill.style.width = `${arousal * 100}%`;
    set(this.arousal, Number(arousal.toFixed(2)), arousal.toFixed(2));
  }
}

/** The four learning states (boredom, confusion, engagement, frustration), each on DAiSEE's 0–3 scale. */
export class LearningStateBars {
  readonly element: HTMLElement;
  private readonly bars = new Map<LearningState, Bar>();

  constructor() {
    this.element = h('div', { className: 'learning-states', attrs: { role: 'group', 'aria-label': 'Learning states, 0 to 3' } });
    for (const state of LEARNING_STATES) {
      const b = bar(state, undefined, { min: LEARNING_STATE_MIN, max: LEARNING_STATE_MAX });
      this.bars.set(state, b);
      this.element.append(b.meter);
    }
  }

  /** Shows `states`; hidden when the face has none. */
  update(states: LearningStateScores | undefined): void {
    this.element.hidden = !states;
    if (!states) return;
    for (const [state, b] of this.bars) {
      const value = states[state];
      b.fill.style.width = `${(value / LEARNING_STATE_MAX) * 100}%`;
      set(b, value, value.toFixed(2));
    }
  }
}
