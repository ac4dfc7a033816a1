/**
 * The uploader's queue as the user sees it: how many corrections wait on this device and how big they are, whether it
 * is sending or offline, how many were sent, and each correction the server refused for good, with Retry and Delete.
 */
import type { DeadLetter, Uploader, UploaderState } from '@emolens/uploader';
import { h } from '../dom.ts';

const kb = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(bytes < 10_240 ? 1 : 0)} KB`);

export interface QueueElements {
  /** One line: waiting, sending/offline, sent. */
  summary: HTMLElement;
  /** The dead letters. */
  dead: HTMLElement;
}

export class QueueView {
  private sent = 0;

  constructor(
    private readonly uploader: Uploader,
    private readonly el: QueueElements,
  ) {
    uploader.on('change', (state) => this.show(state));
    uploader.on('sent', () => {
      this.sent++;
      this.show(uploader.state());
    });
    uploader.on('dead', () => void this.showDead());
    this.show(uploader.state());
    void this.showDead();
  }

  private show(state: UploaderState): void {
    const line = [`${state.queued.items} waiting on this device (${kb(state.queued.bytes)})`];
    if (!state.consent && state.queued.items > 0) line.push('paused: no consent');
    else if (!state.online) line.push('offline: sent when the connection returns');
    else if (state.sending) line.push('sending…');
    line.push(`${this.sent} sent`);
    if (state.dead.items > 0) line.push(`${state.dead.items} refused`);
    this.el.summary.textContent = line.join(' · ');
    document.body.dataset.queued = String(state.queued.items);
    document.body.dataset.sent = String(this.sent);
    document.body.dataset.dead = String(state.dead.items);
  }

  private async showDead(): Promise<void> {
    const letters = await this.uploader.deadLetters();
    this.el.dead.hidden = letters.length === 0;
    this.el.dead.replaceChildren(...letters.map((letter) => this.deadRow(letter)));
  }

  private deadRow(letter: DeadLetter): HTMLElement {
    const retry = h('button', { text: 'Retry' });
    const remove = h('button', { text: 'Delete' });
    retry.addEventListener('click', async () => {
      await this.uploader.retryDead(letter.id);
      await this.showDead();
    });
    remove.addEventListener('click', async () => {
      await this.uploader.deleteDead(letter.id);
      await this.showDead();
    });
    return h('li', {}, h('span', { text: `Refused (${letter.status ?? 'no answer'}): ${letter.message}` }), h('span', { className: 'buttons' }, retry, remove));
  }
}
