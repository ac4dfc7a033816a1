/**
 * `pnpm bench:iris [--threads N]`: what the iris stage costs per face in Chromium (WASM): both eyes cropped from the
 * mesh, one iris model call, points mapped back (`IrisStage.locate`). On the test page (`page/iris-faces.ts`: the
 * SDK's stages from source, the inference service on the page's thread, cross-origin isolated), for the first
 * wild photo of each class: the mesh once, then the iris stage on 1, 2 and 4 copies of the face (one batch of 2, 4,
 * 8 eye crops), `REPEATS` times each after a warm-up, the median per face. Also the whole finder with and without
 * `iris` (mesh + iris vs mesh). Prints a table; writes nothing.
 */
import { withTestPage } from './test-page.ts';
import { summarize } from './stats.ts';
import { wildPhotos } from '../browser/photos.ts';
import type { IrisFinder } from '../browser/page/iris-faces.ts';

const REPEATS = 15;
const threadsArg = process.argv.indexOf('--threads');
const threads = threadsArg >= 0 ? Number(process.argv[threadsArg + 1]) : 1;
const classes = ['angry', 'disgust', 'fear', 'happy', 'neutral', 'sad', 'surprise'];
const photos = classes.map((c) => wildPhotos().find((p) => p.url.includes(`/wild/${c}/`))!.url);

const rows = await withTestPage([], (page) =>
  page.evaluate(
    async ({ photos, threads, repeats }) => {
      const { irisFinder } = (await (window as unknown as { loadModule: (url: string) => Promise<unknown> }).loadModule('/iris-faces.ts')) as { irisFinder: (threads: number) => Promise<IrisFinder> };
      const finder = await irisFinder(threads);
      const out: { faces: number; irisMs: number[]; meshMs: number[]; meshIrisMs: number[] }[] = [];
      for (const url of photos) {
        const image = await createImageBitmap(await (await fetch(url)).blob(), { imageOrientation: 'from-image' });
        const { faces } = await finder.find(image, ['mesh']);
        if (faces.length !== 1) continue;
        await finder.find(image, ['iris']); // warm-up: the iris session is created on the first call
        for (const copies of [1, 2, 4]) {
          const batch = Array.from({ length: copies }, () => faces[0]!);
          await finder.irisOnly(image, batch);
          const irisMs: number[] = [], meshMs: number[] = [], meshIrisMs: number[] = [];
          for (let i = 0; i < repeats; i++) {
            irisMs.push((await finder.irisOnly(image, batch)) / copies);
            if (copies === 1) {
              meshMs.push((await finder.find(image, ['mesh'])).ms);
              meshIrisMs.push((await finder.find(image, ['iris'])).ms);
            }
          }
          out.push({ faces: copies, irisMs, meshMs, meshIrisMs });
        }
        image.close();
      }
      await finder.close();
      return out;
    },
    { photos, threads, repeats: REPEATS },
  ),
);

const median = (xs: number[]) => summarize(xs).p50;
console.log(`Iris stage in Chromium, WASM, ${threads} thread(s): median ms over ${rows.length / 3} photos × ${REPEATS} runs`);
console.log(`  faces/batch  iris ms per face (both eyes)   p95`);
for (const copies of [1, 2, 4]) {
  const samples = rows.filter((r) => r.faces === copies).flatMap((r) => r.irisMs);
  console.log(`  ${String(copies).padStart(11)}  ${median(samples).toFixed(2).padStart(28)}  ${summarize(samples).p95.toFixed(2).padStart(5)}`);
}
const single = rows.filter((r) => r.faces === 1);
const mesh = median(single.flatMap((r) => r.meshMs));
const meshIris = median(single.flatMap((r) => r.meshIrisMs));
console.log(`  whole finder, one face: mesh ${mesh.toFixed(2)} ms, mesh + iris ${meshIris.toFixed(2)} ms (+${(meshIris - mesh).toFixed(2)})`);
