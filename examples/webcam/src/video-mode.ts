/**
 * The video-file mode: a file dropped on the page or chosen with the file input is analysed with
 * `detector.analyzeVideo()` (decoded faster than real time, never uploaded), with a progress bar and a Cancel
 * button, then reported (video-report.ts) and offered for export. It needs no camera.
 */
import { isEmoLensError, type Detector, type WiaVideoResult } from '@emolens/core';
import { download, toCsv } from './export.ts';
import { seconds } from './format.ts';
import { renderVideoReport } from './video-report.ts';

export interface VideoElements {
  drop: HTMLElement;
  file: HTMLInputElement;
  sampleRate: HTMLSelectElement;
  progress: HTMLElement;
  bar: HTMLProgressElement;
  status: HTMLElement;
  detail: HTMLElement;
  cancel: HTMLButtonElement;
  report: HTMLElement;
  title: HTMLElement;
  summary: HTMLElement;
  faces: HTMLElement;
  exportJson: HTMLButtonElement;
  exportCsv: HTMLButtonElement;
}

export class VideoMode {
  private running: AbortController | undefined;
  private result: { value: WiaVideoResult; name: string } | undefined;
  private redraw = () => {};

  constructor(
    private readonly detector: Detector,
    private readonly el: VideoElements,
  ) {
    el.file.disabled = false;
    el.file.addEventListener('change', () => {
      const file = el.file.files?.[0];
      if (file) void this.analyze(file);
      // Choosing the same file again must analyse it again.
      el.file.value = '';
    });
    el.cancel.addEventListener('click', () => this.running?.abort());
    el.exportJson.addEventListener('click', () => this.result && download(`${this.result.name}.emolens.json`, JSON.stringify(this.result.value, null, 2), 'application/json'));
    el.exportCsv.addEventListener('click', () => this.result && download(`${this.result.name}.emolens.csv`, toCsv(this.result.value), 'text/csv'));
    window.addEventListener('resize', () => this.redraw());
    this.acceptDrops();
  }

  /** Analyses `file` (a previous analysis still running is cancelled). */
  async analyze(file: File): Promise<void> {
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    const sampleRate = Number(this.el.sampleRate.value) || 1;
    const { bar, status, detail } = this.el;
    this.el.progress.hidden = false;
    this.el.cancel.hidden = false;
    this.el.report.setAttribute('aria-busy', 'true');
    bar.value = 0;
    bar.removeAttribute('value'); // indeterminate until the first frame: opening the file takes a moment
    status.textContent = `Analysing ${file.name}…`;
    detail.textContent = '';
    document.body.dataset.video = 'analysing';
    try {
      const value = await this.detector.analyzeVideo(file, {
        sample_rate: sampleRate,
        signal: controller.signal,
        // The default deadline (30 s) is for one call on an image: a long video may take minutes, and Cancel is here.
        timeoutMs: Infinity,
        onProgress: ({ analyzed_frames, frame_count, timestamp_ms }) => {
          if (this.running !== controller) return;
          const total = Math.max(1, Math.ceil(frame_count / sampleRate));
          bar.value = analyzed_frames / total;
          detail.textContent = `frame ${analyzed_frames} of ${total} (${seconds(timestamp_ms)})`;
        },
      });
      if (this.running !== controller) return;
      this.result = { value, name: file.name.replace(/\.[^.]+$/, '') || 'video' };
      this.el.title.textContent = file.name;
      this.redraw = renderVideoReport(value, this.el.summary, this.el.faces);
      this.el.report.hidden = false;
      this.redraw(); // the charts have their size now that the report is shown
      bar.value = 1;
      status.textContent = `Analysed ${file.name}: ${value.analyzed_frames} frames in ${seconds(value.processing_time_ms)}.`;
      detail.textContent = '';
      document.body.dataset.video = 'done';
    } catch (error) {
      if (this.running !== controller) return;
      status.textContent = describeVideoError(error, file.name);
      detail.textContent = '';
      document.body.dataset.video = 'error';
    } finally {
      if (this.running === controller) {
        this.running = undefined;
        this.el.cancel.hidden = true;
        this.el.report.removeAttribute('aria-busy');
      }
    }
  }

  /** A file dropped anywhere on the page is analysed; the drop zone lights up while one is dragged over it. */
  private acceptDrops(): void {
    const hasFile = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    let depth = 0; // dragenter/dragleave fire for every child element crossed
    window.addEventListener('dragenter', (event) => {
      if (!hasFile(event)) return;
      depth++;
      this.el.drop.classList.add('dragging');
    });
    window.addEventListener('dragleave', () => {
      if (--depth <= 0) {
        depth = 0;
        this.el.drop.classList.remove('dragging');
      }
    });
    window.addEventListener('dragover', (event) => {
      if (!hasFile(event)) return;
      // Without this the browser would open the file in place of the page.
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    });
    window.addEventListener('drop', (event) => {
      depth = 0;
      this.el.drop.classList.remove('dragging');
      const file = event.dataTransfer?.files[0];
      if (!file) return;
      event.preventDefault();
      this.el.drop.scrollIntoView({ block: 'start', behavior: 'smooth' });
      void this.analyze(file);
    });
  }
}

/** `analyzeVideo`'s errors in plain words. */
function describeVideoError(error: unknown, name: string): string {
  if (!isEmoLensError(error)) return `${name} could not be analysed: ${String(error)}`;
  if (error.code === 'ABORTED') return 'Cancelled.';
  const kind = error.details.kind;
  if (error.code === 'INVALID_IMAGE') {
    if (kind === 'not_a_video') return `${name} is not a video file this browser can read (MP4, WebM, MOV, MKV).`;
    if (kind === 'unsupported_codec') return `This browser cannot decode the video in ${name}. Try an MP4 (H.264) or a WebM (VP8/VP9) file.`;
    if (kind === 'empty') return `${name} has no frames.`;
    return `${name} could not be decoded${error.details.truncated ? ': the file seems cut short' : ''}.`;
  }
  if (error.code === 'IMAGE_TOO_LARGE') return `${name}'s frames are too large to analyse here.`;
  return `${name} could not be analysed (${error.code}): ${error.message}`;
}
