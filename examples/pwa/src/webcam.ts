/** Webcam analysis: the camera's frames through `detector.stream`, the label of the largest face shown. */
import { isEmoLensError, type Detector, type LiveStream } from '@emolens/core';
import { byId } from './dom.ts';

export class WebcamPanel {
  private stream: LiveStream | undefined;
  private media: MediaStream | undefined;
  private readonly button = byId<HTMLButtonElement>('webcam-toggle');
  private readonly label = byId('webcam-label');

  constructor(private readonly detector: Detector) {
    this.button.addEventListener('click', () => void (this.stream ? this.stop() : this.start()));
  }

  private async start(): Promise<void> {
    this.button.disabled = true; // one camera at a time, even when clicked twice while the browser asks
    try {
      this.media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
    } catch (error) {
      this.label.textContent = `camera unavailable: ${error instanceof Error ? error.name : String(error)}`;
      return;
    } finally {
      this.button.disabled = false;
    }
    byId<HTMLVideoElement>('webcam-video').srcObject = this.media;
    let results = 0;
    this.stream = this.detector.stream(this.media, {
      onResult: ({ result }) => {
        const face = result.faces[0];
        this.label.textContent = face ? `${face.emotions.primary.label} ${(face.emotions.primary.confidence * 100).toFixed(0)} %` : 'no face';
        document.body.dataset.webcamResults = String(++results);
      },
      onError: (error) => (this.label.textContent = isEmoLensError(error) ? error.code : String(error)),
    });
    this.button.textContent = 'Stop webcam';
  }

  private stop(): void {
    this.stream?.stop();
    this.stream = undefined;
    for (const track of this.media?.getTracks() ?? []) track.stop();
    this.button.textContent = 'Start webcam';
  }
}
