/** Video-file analysis: the WIA video result of a picked file, summarised, and exported as JSON. */
import { isEmoLensError, type Detector, type WiaVideoResult } from '@emolens/core';
import { byId, download } from './dom.ts';

export class VideoPanel {
  private result: WiaVideoResult | undefined;
  private readonly status = byId('video-status');

  constructor(private readonly detector: Detector) {
    const input = byId<HTMLInputElement>('video-file');
    input.addEventListener('change', () => input.files?.[0] && void this.analyse(input.files[0]));
    byId('video-export').addEventListener('click', () => this.result && download('emolens-video.json', 'application/json', JSON.stringify(this.result, null, 2)));
  }

  private async analyse(file: File): Promise<void> {
    this.status.textContent = 'analysing…';
    try {
      this.result = await this.detector.analyzeVideo(file, {
        sample_rate: 5,
        onProgress: (p) => (this.status.textContent = `analysing… ${p.analyzed_frames} frames`),
      });
      const { summary } = this.result;
      this.status.textContent = `${this.result.timeline.length} frames analysed; dominant: ${summary.dominant_emotion ?? 'none'}`;
      document.body.dataset.videoFrames = String(this.result.timeline.length);
    } catch (error) {
      this.status.textContent = isEmoLensError(error) ? `${error.code}: ${error.message}` : String(error);
    }
  }
}
