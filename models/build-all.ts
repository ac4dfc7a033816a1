/**
 * `pnpm models`: builds every model under `models/` from the files that ship in npm packages,
 * and checks each output against the sha256 in its manifest. Nothing is downloaded.
 */
import { buildBlazefaceFull } from './blazeface-full/build.ts';
import { buildBlazefaceShort } from './blazeface-short/build.ts';
import { buildMediapipeFace } from './mediapipe-face/build.ts';
import { buildMediapipeFaceFull } from './mediapipe-face-full/build.ts';
import { buildFaceapiExpression } from './faceapi-expression/convert.ts';
import { buildHumanEmotion } from './human-emotion/convert.ts';
import { buildHumanIris } from './human-iris/convert.ts';
import { buildEmolensFer } from './emolens-fer/build.ts';
import { buildEmolensFerplus } from './emolens-ferplus/build.ts';

const builds: [string, () => Promise<string>][] = [
  ['blazeface-short', buildBlazefaceShort],
  ['blazeface-full', buildBlazefaceFull],
  ['mediapipe-face', buildMediapipeFace],
  ['mediapipe-face-full', buildMediapipeFaceFull],
  ['faceapi-expression', buildFaceapiExpression],
  ['human-emotion', buildHumanEmotion],
  ['human-iris', buildHumanIris],
  ['emolens-fer', buildEmolensFer],
  ['emolens-ferplus', buildEmolensFerplus],
];

for (const [name, build] of builds) {
  const started = performance.now();
  const out = await build();
  console.log(`models: ${name} → ${out} (${Math.round(performance.now() - started)} ms)`);
}
