/**
 * "Correct and share": capture the moment, fix its labels, and send them to the collection server through
 * `@emolens/uploader`, which keeps them on this device (IndexedDB) until the server has stored each exactly once.
 * Nothing is captured, queued or sent without the consent checkbox.
 */
import { isEmoLensError, type WiaFace } from '@emolens/core';
import { LEARNING_STATES } from '@emolens/schema';
import { createUploader, describeEndpoint, type Uploader } from '@emolens/uploader';
import { $ } from '../dom.ts';
import { collectEndpoint } from './collect-endpoint.ts';
import { storedConsent, storeConsent } from './consent.ts';
import { CorrectionForm, predictedStates } from './correction-form.ts';
import { QueueView } from './queue-view.ts';
import { takeSnapshot, type Snapshot } from './snapshot.ts';

export class CorrectionPanel {
  readonly uploader: Uploader;
  private latest: readonly WiaFace[] = [];
  private snapshot: Snapshot | undefined;
  private readonly form: CorrectionForm;
  private readonly consent = $<HTMLInputElement>('#share-consent');
  private readonly capture = $<HTMLButtonElement>('#capture');
  private readonly send = $<HTMLButtonElement>('#send-correction');
  private readonly editor = $('#correction-editor');
  private readonly message = $('#correction-message');
  private readonly endpoint = collectEndpoint();

  constructor(private readonly video: HTMLVideoElement) {
    this.consent.checked = storedConsent(this.endpoint);
    this.uploader = createUploader({ endpoint: this.endpoint, consent: this.consent.checked });
    $('#collect-destination').textContent = describeEndpoint(this.uploader.options.endpoint);
    this.form = new CorrectionForm({
      sliders: Object.fromEntries(LEARNING_STATES.map((s) => [s, $<HTMLInputElement>(`#state-${s}`)])) as never,
      emotion: $<HTMLSelectElement>('#user-emotion'),
      preview: $<HTMLCanvasElement>('#capture-preview'),
    });
    new QueueView(this.uploader, { summary: $('#queue-summary'), dead: $('#queue-dead') });
    this.consent.addEventListener('change', () => void this.consentChanged());
    this.capture.addEventListener('click', () => this.take());
    this.send.addEventListener('click', () => void this.submit());
    this.update();
  }

  /** The faces of the newest live result (what Capture pairs with the frame). */
  setFaces(faces: readonly WiaFace[]): void {
    this.latest = faces;
    this.update();
  }

  private async consentChanged(): Promise<void> {
    const consent = this.consent.checked;
    storeConsent(this.endpoint, consent);
    this.uploader.setConsent(consent);
    if (!consent) {
      // Withdrawn: what has not left the device yet is erased with the captured picture.
      await this.uploader.clear();
      this.snapshot = undefined;
      this.editor.hidden = true;
      this.say('Sharing is off; nothing is kept on this device.');
    }
    this.update();
  }

  private take(): void {
    this.snapshot = takeSnapshot(this.video, this.latest);
    if (!this.snapshot) return;
    this.form.load(this.snapshot);
    this.editor.hidden = false;
    this.say('Move the sliders and pick the emotion to what is right, then Send.');
    this.update();
  }

  private async submit(): Promise<void> {
    const snapshot = this.snapshot;
    if (!snapshot) return;
    this.send.disabled = true;
    const { corrected, userEmotion } = this.form.read();
    try {
      await this.uploader.submit({
        image: snapshot.image,
        predicted: predictedStates(snapshot.face),
        corrected,
        extensions: {
          predicted_emotion: snapshot.face.emotions.primary.label,
          user_emotion: userEmotion,
          predicted_probabilities: snapshot.probabilities,
          wia_face: snapshot.face,
        },
        meta: { source: 'emolens-webcam-demo' },
      });
      this.snapshot = undefined;
      this.editor.hidden = true;
      this.say('Queued: it is sent now, or as soon as the server can be reached.');
    } catch (error) {
      this.say(isEmoLensError(error) ? `Not queued: ${error.code}: ${error.message}` : `Not queued: ${String(error)}`);
    }
    this.update();
  }

  private say(text: string): void {
    this.message.textContent = text;
  }

  private update(): void {
    const consent = this.consent.checked;
    this.capture.disabled = !consent || this.latest.length === 0;
    this.send.disabled = !consent || !this.snapshot;
  }
}
