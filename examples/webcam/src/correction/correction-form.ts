/**
 * The correction form: for a captured moment, a slider per learning state (DAiSEE's 0–3) and a picker for the
 * emotion, preset to the prediction, which the user moves to what is right; Send queues it through the uploader.
 *
 * The sliders start at the face's estimated learning states (the SDK's prior, docs/learning-states.md), rounded to
 * the sliders' half steps; a face without them starts at the scale's midpoint.
 */
import { LEARNING_STATES, UNESTIMATED_LEARNING_STATES, WIA_EMOTIONS, type LearningStateScores } from '@emolens/schema';
import type { Snapshot } from './snapshot.ts';

/** The predicted learning states of a face that has none: the middle of DAiSEE's 0–3 scale. */
export const UNESTIMATED_STATES: LearningStateScores = { ...UNESTIMATED_LEARNING_STATES };

/** The learning states a captured face predicts: its own, or the midpoint when it has none. */
export function predictedStates(face: { learning_states?: LearningStateScores }): LearningStateScores {
  return face.learning_states ?? UNESTIMATED_STATES;
}

export interface FormElements {
  sliders: Record<(typeof LEARNING_STATES)[number], HTMLInputElement>;
  emotion: HTMLSelectElement;
  preview: HTMLCanvasElement;
}

/** What the form says the user corrected. */
export interface Correction {
  corrected: LearningStateScores;
  userEmotion: (typeof WIA_EMOTIONS)[number];
}

export class CorrectionForm {
  constructor(private readonly el: FormElements) {
    el.emotion.replaceChildren(...WIA_EMOTIONS.map((label) => new Option(label, label)));
    for (const state of LEARNING_STATES) {
      const slider = el.sliders[state];
      Object.assign(slider, { min: '0', max: '3', step: '0.5' });
      const output = slider.parentElement?.querySelector('output');
      const show = () => output && (output.textContent = Number(slider.value).toFixed(1));
      slider.addEventListener('input', show);
      show();
    }
  }

  /** Presets the form to a captured moment's prediction and shows its picture. */
  load(snapshot: Snapshot): void {
    this.el.emotion.value = snapshot.face.emotions.primary.label;
    const predicted = predictedStates(snapshot.face);
    for (const state of LEARNING_STATES) {
      const slider = this.el.sliders[state];
      slider.value = String(predicted[state]); // the range input rounds it to its step
      slider.dispatchEvent(new Event('input'));
    }
    const { preview } = this.el;
    const scale = preview.width / snapshot.image.width;
    preview.height = Math.round(snapshot.image.height * scale);
    preview.getContext('2d')?.drawImage(snapshot.image, 0, 0, preview.width, preview.height);
  }

  /** The user's values. */
  read(): Correction {
    const corrected = Object.fromEntries(LEARNING_STATES.map((s) => [s, Number(this.el.sliders[s].value)])) as LearningStateScores;
    return { corrected, userEmotion: this.el.emotion.value as Correction['userEmotion'] };
  }
}
