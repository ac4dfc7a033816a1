/**
 * `pnpm eval [--limit N] [--only name[,name…]] [--batch N] [--float-resize]`: every emotion classifier of the
 * registry (models/*\/manifest.json, kind 'emotion-classifier') scored on FER2013 following its protocol
 * (shared data fer2013/README.md): PrivateTest figures on all rows and on train_leak == 0 rows, for the
 * original FER2013 labels and the FER+ majority labels (7 classes), plus PublicTest accuracy as the
 * model-selection figure. Faces are preprocessed as in `preprocess.ts`; models run with onnxruntime-web
 * (WASM, 1 thread) in Node.
 *
 * Prints a side-by-side table and the confusion matrices; writes test/eval/results/latest.json.
 *  --limit N       first N rows of each split (quick runs; the figures are then not the protocol's)
 *  --only names    only these classifiers (comma-separated, or the flag repeated)
 *  --batch N       faces per ONNX run (default 64)
 *  --float-resize  keep the resized pixels as floats instead of rounding them to bytes like the canvas
 *  --no-wild       skip the wild set (the 96 photos end to end through the SDK in Chromium)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { repoRoot } from '../setup/paths.ts';
import { Classifier, classifierManifests } from './classifier.ts';
import { evaluate, LABEL_SETS, type ClassifierResult } from './evaluate.ts';
import { loadFer } from './fer-data.ts';
import { formatConfusions, formatLabelSets, formatSummary } from './report.ts';
import { evaluateWild } from './wild.ts';

const evalDir = dirname(fileURLToPath(import.meta.url));

interface Args {
  limit?: number;
  only: string[];
  batchSize: number;
  floatResize: boolean;
  /** Test-time flip averaging on FER2013 (the SDK does not flip; this measures what it would gain). */
  flip: boolean;
  wild: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { only: [], batchSize: 64, floatResize: false, flip: false, wild: true };
  const positive = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} needs a positive integer, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue;
    if (a === '--limit') args.limit = positive(a, argv[++i]);
    else if (a === '--batch') args.batchSize = positive(a, argv[++i]);
    else if (a === '--only') args.only.push(...(argv[++i] ?? '').split(',').filter(Boolean));
    else if (a === '--float-resize') args.floatResize = true;
    else if (a === '--no-wild') args.wild = false;
    else if (a === '--flip') args.flip = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const all = classifierManifests();
  const unknown = args.only.filter((n) => !all.some((m) => m.name === n));
  if (unknown.length) throw new Error(`no emotion classifier named ${unknown.join(', ')} (have: ${all.map((m) => m.name).join(', ')})`);
  const manifests = args.only.length ? all.filter((m) => args.only.includes(m.name)) : all;

  const data = loadFer();
  console.log(`FER2013 (${data.root}), ${manifests.length} classifier(s): ${manifests.map((m) => m.name).join(', ')}`);
  if (args.limit) console.log(`--limit ${args.limit}: first ${args.limit} rows of each split only — not the protocol's figures`);

  const results: ClassifierResult[] = [];
  for (const manifest of manifests) {
    const classifier = await Classifier.load(manifest);
    let last = 0;
    const result = await evaluate(classifier, data, {
      ...(args.limit !== undefined && { limit: args.limit }),
      batchSize: args.batchSize,
      roundToBytes: !args.floatResize,
      flip: args.flip,
      onProgress: (done, total) => {
        if (process.stderr.isTTY && (done - last >= 640 || done === total)) {
          last = done;
          process.stderr.write(`\r${manifest.name}: ${done}/${total}${done === total ? '\n' : ''}`);
        }
      },
    });
    await classifier.dispose();
    results.push(result);
  }

  const wild = args.wild ? await evaluateWild(manifests.map((m) => m.name)) : undefined;

  console.log(`\nLabel sets:\n${formatLabelSets()}\n`);
  console.log(formatSummary(results));
  if (wild) {
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
    console.log('\nWild set, end to end through the SDK (96 photos; a photo without a face found counts as a miss)');
    for (const [name, w] of Object.entries(wild)) {
      console.log(`  ${name.padEnd(20)} accuracy ${pct(w.accuracy)}   macro-F1 ${(w.macroF1 * 100).toFixed(1)}   faces found ${w.found}/${w.photos}`);
    }
  }
  console.log(`\nConfusion matrices (rows: true class, columns: predicted):\n\n${formatConfusions(results)}`);

  const out = join(evalDir, 'results', 'latest.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        data: data.root,
        onnxruntimeWeb: ort.env.versions.web,
        limit: args.limit ?? null,
        batchSize: args.batchSize,
        preprocessing: `whole 48×48 face, bilinear resize (half-pixel centres) to the model input${args.floatResize ? '' : ', rounded to bytes'}${args.flip ? ', probabilities averaged with the mirrored face (--flip)' : ''}, grey replicated to RGB, manifest mean/std (gray: luma·RGB)`,
        labelOrder: 'WIA_EMOTIONS (confusion rows/columns, perClass)',
        labelSets: LABEL_SETS,
        results,
        wild: wild ?? null,
      },
      null,
      1,
    )}\n`,
  );
  console.log(`\nwrote ${relative(repoRoot, out)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
