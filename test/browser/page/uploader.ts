// The uploader test page: exposes `@emolens/uploader` to Playwright's page.evaluate as `window.emolensUploader`, and
// `window.uploaderTest`, helpers that make test images and keep an uploader and its events across evaluate calls.
import * as uploader from '@emolens/uploader';

/**
 * A `width` × `height` image with a gradient and a disc (so a JPEG of it is not trivially small), as a PNG Blob;
 * `seed` changes its colours, so images of different seeds encode to different bytes.
 */
async function makeImage(width: number, height: number, type = 'image/png', seed = 0): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const g = canvas.getContext('2d')!;
  const gradient = g.createLinearGradient(0, 0, width, height);
  gradient.addColorStop(0, `hsl(${(seed * 37) % 360} 70% 50%)`);
  gradient.addColorStop(1, `hsl(${(seed * 37 + 180) % 360} 70% 40%)`);
  g.fillStyle = gradient;
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#fd0';
  g.beginPath();
  g.arc(width / 2, height / 2, Math.min(width, height) / 3, 0, Math.PI * 2);
  g.fill();
  return canvas.convertToBlob({ type });
}

const events: string[] = [];
const w = window as unknown as {
  emolensUploader: typeof uploader;
  uploaderTest: {
    makeImage: typeof makeImage;
    up?: uploader.Uploader;
    events: string[];
    /** Creates `up` from `options`, recording every event in `events` as `type id` (or `type`). */
    start(options: uploader.UploaderOptions): uploader.Uploader;
  };
};
w.emolensUploader = uploader;
w.uploaderTest = {
  makeImage,
  events,
  start(options) {
    const up = uploader.createUploader(options);
    for (const type of ['queued', 'sending', 'sent', 'failed', 'dead', 'online', 'offline'] as const) {
      up.on(type, (e) => {
        const id = (e as { item?: { id: string }; letter?: { id: string } }).item?.id ?? (e as { letter?: { id: string } }).letter?.id;
        events.push(id ? `${type} ${id}` : type);
      });
    }
    w.uploaderTest.up = up;
    return up;
  },
};
document.body.dataset.ready = 'true';
