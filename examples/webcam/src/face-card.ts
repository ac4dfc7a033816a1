/**
 * One face's card: its `#id` in its box colour, its label, the emotion, valence/arousal and learning-state bars,
 * and its chart. Live panels and the video report both use it.
 */
import type { WiaDimensions, WiaEmotionScore } from '@emolens/core';
import type { LearningStateScores } from '@emolens/schema';
import { DimensionBars, EmotionBars, LearningStateBars } from './bars.ts';
import { h } from './dom.ts';
import { faceColor } from './palette.ts';

export class FaceCard {
  readonly element: HTMLElement;
  /** The chart's canvas: the owner draws it (live window or video span). */
  readonly chart: HTMLCanvasElement;
  private readonly headline = h('span', { className: 'headline' });
  private readonly note = h('span', { className: 'note' });
  private readonly emotions = new EmotionBars();
  private readonly dimensions = new DimensionBars();
  private readonly states = new LearningStateBars();

  constructor(readonly id: number, chartLabel: string) {
    this.chart = h('canvas', { className: 'chart', attrs: { role: 'img', 'aria-label': chartLabel } });
    this.element = h(
      'article',
      { className: 'face', attrs: { 'data-face-id': String(id), 'aria-label': `Face #${id}` } },
      h('header', {}, h('h3', { text: `#${id}` }), this.headline, this.note),
      h('div', { className: 'face-values' }, this.emotions.element, h('div', { className: 'side-values' }, this.dimensions.element, this.states.element)),
      this.chart,
    );
    this.element.style.setProperty('--face-color', faceColor(id));
  }

  /**
   * Shows the face's values: `headline` next to its id, `note` after it (e.g. "out of view"), and its learning
   * states when it has them.
   */
  update(scores: readonly WiaEmotionScore[], primary: string, dimensions: WiaDimensions | undefined, headline: string, note = '', states?: LearningStateScores): void {
    this.headline.textContent = headline;
    this.note.textContent = note;
    this.emotions.update(scores, primary);
    this.dimensions.update(dimensions);
    this.states.update(states);
  }

  /** Greys the card out while the face is out of view (its id is kept for a while: it may come back). */
  setAway(away: boolean): void {
    this.element.classList.toggle('away', away);
  }
}
