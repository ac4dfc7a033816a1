/**
 * Photo analysis: pick or drop files, or a whole folder; one row per photo, exported as CSV or JSON. Each row can
 * be corrected and the correction queued for the collection server (`annotate.ts`).
 */
import { isEmoLensError, WIA_EMOTIONS, type Detector, type WiaEmotion } from '@emolens/core';
import { byId, download, el } from './dom.ts';
import { cells, COLUMNS, toCsv, toJson, type PhotoRow } from './photo-rows.ts';

/** What a row's "correct" control calls with the photo, its result and the label the user chose. */
export type CorrectionHandler = (file: File, row: PhotoRow, label: WiaEmotion) => Promise<void>;

export class PhotosPanel {
  readonly rows: PhotoRow[] = [];
  private readonly body = byId<HTMLTableSectionElement>('photo-rows');
  private readonly summary = byId('photo-summary');
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly detector: Detector,
    private readonly correct: CorrectionHandler | undefined,
  ) {
    for (const id of ['photo-files', 'photo-folder']) {
      const input = byId<HTMLInputElement>(id);
      input.addEventListener('change', () => this.add([...(input.files ?? [])]));
    }
    const drop = byId('photo-drop');
    drop.addEventListener('dragover', (e) => e.preventDefault());
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      this.add([...(e.dataTransfer?.files ?? [])]);
    });
    byId('export-csv').addEventListener('click', () => download('emolens-photos.csv', 'text/csv', toCsv(this.rows)));
    byId('export-json').addEventListener('click', () => download('emolens-photos.json', 'application/json', toJson(this.rows)));
  }

  /** Analyses `files` one after another (images only; a folder's other files are skipped). */
  add(files: readonly File[]): Promise<void> {
    const images = files.filter((f) => f.type.startsWith('image/') || f.type === '');
    // `analyse` turns every failure into a row: one photo never stops the ones after it.
    this.queue = this.queue.then(async () => {
      for (const file of images) await this.analyse(file);
    });
    return this.queue;
  }

  private async analyse(file: File): Promise<void> {
    const name = file.webkitRelativePath || file.name;
    let row: PhotoRow;
    try {
      // With the learning states: the table shows them, and a correction sends them as the prediction.
      row = { file: name, result: await this.detector.detect(file, { returnLearningStates: true }) };
    } catch (error) {
      row = { file: name, error: isEmoLensError(error) ? { code: error.code, message: error.message } : { code: 'INTERNAL_ERROR', message: String(error) } };
    }
    this.rows.push(row);
    this.body.append(this.render(file, row));
    const failed = this.rows.filter((r) => r.error).length;
    this.summary.textContent = `${this.rows.length} photos, ${failed} refused`;
    document.body.dataset.photos = String(this.rows.length);
  }

  private render(file: File, row: PhotoRow): HTMLTableRowElement {
    const tr = el('tr');
    const values = cells(row);
    for (const column of COLUMNS) tr.append(el('td', values[column]));
    const td = el('td');
    if (this.correct && row.result?.faces.length) {
      const select = el('select');
      const note = el('span');
      note.className = 'note';
      select.setAttribute('aria-label', `Correct the emotion of ${file.name}`);
      select.append(el('option', 'correct…'), ...WIA_EMOTIONS.map((l) => el('option', l)));
      select.addEventListener('change', () => {
        if (select.selectedIndex === 0) return;
        select.disabled = true;
        this.correct!(file, row, select.value as WiaEmotion).then(
          () => (note.textContent = 'queued'),
          (error: unknown) => {
            select.disabled = false;
            note.textContent = isEmoLensError(error) ? error.code : String(error);
          },
        );
      });
      td.append(select, ' ', note);
    }
    tr.append(td);
    return tr;
  }
}
