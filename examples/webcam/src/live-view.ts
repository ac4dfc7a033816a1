/**
 * What the live session shows: the overlay on the video, the figures (results/s, latency), and a card per face with
 * its bars and its last 30 s. Results may come faster than the screen refreshes: the latest is drawn once per
 * animation frame.
 */
import { drawEmotionChart, liveTicks } from './chart.ts';
import { h } from './dom.ts';
import { FaceCard } from './face-card.ts';
import { percent } from './format.ts';
import { HISTORY_MS, type FaceHistory } from './history.ts';
import type { LiveFrame } from './live-session.ts';
import { clearOverlay, drawOverlay, fitOverlay } from './overlay.ts';

/** Points further apart than this are a gap in the live chart (the face was out of view). */
const LIVE_GAP_MS = 1000;

export interface LiveElements {
  video: HTMLVideoElement;
  overlay: HTMLCanvasElement;
  faces: HTMLElement;
  noFace: HTMLElement;
  rate: HTMLElement;
  latency: HTMLElement;
  faceCount: HTMLElement;
  results: HTMLElement;
}

export class LiveView {
  private latest: LiveFrame | undefined;
  private scheduled = false;
  /** Whether results are coming: once stopped, the figures and boxes are no longer drawn. */
  private running = false;
  private readonly cards = new Map<number, FaceCard>();

  constructor(
    private readonly el: LiveElements,
    private readonly history: FaceHistory,
    private readonly mirrored: () => boolean,
  ) {
    window.addEventListener('resize', () => this.redraw());
  }

  /** Shows `frame` (its faces are already in the history) at the next animation frame. */
  show(frame: LiveFrame): void {
    this.latest = frame;
    this.running = true;
    this.redraw();
  }

  /** Draws the latest frame again (the mirror was toggled, the window resized). */
  redraw(): void {
    if (this.scheduled || !this.latest) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.render();
    });
  }

  /** The camera stopped: no boxes over a blank video; the cards and charts stay for a last look and the export. */
  stopped(): void {
    this.running = false;
    clearOverlay(this.el.overlay);
    this.el.rate.textContent = '–';
    this.el.latency.textContent = '–';
  }

  /** A new session: nothing from the last one. */
  reset(): void {
    this.latest = undefined;
    this.cards.clear();
    this.el.faces.replaceChildren();
    this.el.noFace.hidden = false;
    clearOverlay(this.el.overlay);
    for (const figure of [this.el.rate, this.el.latency, this.el.faceCount]) figure.textContent = '–';
    this.el.results.textContent = '0';
  }

  private render(): void {
    const frame = this.latest;
    if (!frame) return;
    if (this.running) {
      fitOverlay(this.el.overlay, this.el.video);
      drawOverlay(this.el.overlay, frame.faces, this.mirrored());
      const { stats } = frame;
      this.el.rate.textContent = stats.resultsPerSecond.toFixed(1);
      // p95 in small type: "102 / 212 ms" in one size does not fit a phone's quarter of the row.
      this.el.latency.replaceChildren(`${Math.round(stats.latencyP50Ms)}`, h('small', { text: ` / ${Math.round(stats.latencyP95Ms)} ms` }));
      this.el.faceCount.textContent = String(frame.faces.length);
      this.el.results.textContent = String(frame.count);
    }
    this.renderCards(frame.t);
  }

  private renderCards(now: number): void {
    const tracks = this.history.faces();
    const ids = new Set(tracks.map((track) => track.id));
    for (const [id, card] of this.cards) {
      if (!ids.has(id)) {
        card.element.remove();
        this.cards.delete(id);
      }
    }
    let added = false;
    for (const track of tracks) {
      let card = this.cards.get(track.id);
      if (!card) {
        card = new FaceCard(track.id, `Emotions of face #${track.id} over the last 30 seconds`);
        this.cards.set(track.id, card);
        added = true;
      }
      const { emotions, dimensions, learning_states } = track.latest;
      const inView = track.lastSeen === now;
      card.update(emotions.all, emotions.primary.label, dimensions, `${emotions.primary.label} ${percent(emotions.primary.confidence)}`, inView ? '' : 'out of view', learning_states);
      card.setAway(!inView);
    }
    // Cards in id order; re-appending moves them, so only when one was added.
    if (added) this.el.faces.append(...tracks.map((track) => this.cards.get(track.id)!.element));
    this.el.noFace.hidden = tracks.length > 0;
    // Charts after the layout settled (a new card has its size only once it is in the page).
    for (const track of tracks) {
      drawEmotionChart(this.cards.get(track.id)!.chart, track.points, { from: now - HISTORY_MS, to: now, gapMs: LIVE_GAP_MS, ticks: () => liveTicks(now, HISTORY_MS) });
    }
  }
}
