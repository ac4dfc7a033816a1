/**
 * The uploader's check at `submit()` against the collection server's own: whatever `submit()` takes, the server must
 * store (`@emolens/uploader`'s promise that a bad call fails at once, not as a dead letter later). Random
 * submissions, most of them bent at one place, go through both; the uploader may refuse more than the server, never
 * less.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toWakeeInsertBody, WIA_EMOTIONS } from '../../packages/schema/src/index.ts';
import { makeJpeg, startTestServer, type TestServer } from '../../packages/server/src/server.fixture.ts';
import { checkAgainstSchema } from '../../packages/uploader/src/schema-check.ts';
import { snapshotSubmission, validateSubmission } from '../../packages/uploader/src/validate-submission.ts';

const scores = { boredom: 1, confusion: 0.5, engagement: 2, frustration: 0 };
const face = () => ({
  face_id: 0,
  bbox: { x: 1, y: 2, width: 30, height: 40 },
  emotions: { primary: { label: 'happiness', confidence: 0.7 }, all: WIA_EMOTIONS.map((label) => ({ label, confidence: 1 / 7 })) },
  dimensions: { valence: 0.2, arousal: 0.6 },
});

/** A JSON value of any shape, the odd strings and numbers included. */
const anyValue = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1.5, 2, 1e9, 'happiness', 'x\u0000y', '', 'joy', [], {}, [1, 2, 3, 4, 5, 6, 7]),
  fc.string({ maxLength: 300 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Where a submission is bent: a path into it, and the value put there (or a key added there). */
const bend = fc.record({
  path: fc.constantFrom(
    ['extensions', 'wia_face', 'face_id'],
    ['extensions', 'wia_face', 'bbox', 'x'],
    ['extensions', 'wia_face', 'bbox', 'z'],
    ['extensions', 'wia_face', 'extra'],
    ['extensions', 'wia_face', 'emotions', 'all'],
    ['extensions', 'wia_face', 'emotions', 'all', '2'],
    ['extensions', 'wia_face', 'emotions', 'all', '2', 'confidence'],
    ['extensions', 'wia_face', 'emotions', 'all', '2', 'label'],
    ['extensions', 'wia_face', 'emotions', 'primary', 'label'],
    ['extensions', 'wia_face', 'emotions', 'primary', 'extra'],
    ['extensions', 'wia_face', 'dimensions', 'valence'],
    ['extensions', 'wia_face', 'dimensions'],
    ['extensions', 'wia_face', 'landmarks'],
    ['extensions', 'wia_face', 'head_pose'],
    ['extensions', 'wia_face', 'action_units'],
    ['extensions', 'wia_face', 'attention'],
    ['extensions', 'wia_face', 'learning_states'],
    ['extensions', 'wia_face', 'raw'],
    ['extensions', 'predicted_emotion'],
    ['extensions', 'predicted_probabilities'],
    ['meta', 'note'],
    ['meta', 'session'],
    ['meta', 'a b'],
    ['predicted', 'boredom'],
  ),
  value: anyValue,
});

function bent(path: readonly string[], value: unknown): Record<string, unknown> {
  const submission: Record<string, unknown> = { predicted: { ...scores }, corrected: { ...scores }, extensions: { predicted_emotion: 'happiness', wia_face: face() }, meta: { session: 's1' } };
  let at = submission;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[path.at(-1)!] = value;
  return submission;
}

let server: TestServer;
let imageBase64: string;

beforeAll(async () => {
  server = await startTestServer();
  imageBase64 = (await makeJpeg(32)).toString('base64');
});
afterAll(() => server?.close());

/** Whether the uploader's `submit()` would take `submission` (its checks before the image, in its order). */
function uploaderTakes(submission: object): boolean {
  try {
    const { predicted, corrected, extensions, meta } = snapshotSubmission({ image: 'x', ...submission });
    validateSubmission(predicted, corrected, extensions, meta);
    checkAgainstSchema(predicted, corrected, extensions, meta);
    return true;
  } catch {
    return false;
  }
}

describe('what submit() takes, the collection server stores', () => {
  it('holds for a valid submission and for random ones bent at one place', async () => {
    let taken = 0;
    await fc.assert(
      fc.asyncProperty(bend, async ({ path, value }) => {
        const submission = bent(path, value);
        if (!uploaderTakes(submission)) return;
        taken++;
        const { predicted, corrected, extensions, meta } = snapshotSubmission({ image: 'x', ...submission });
        const body = toWakeeInsertBody(imageBase64, predicted, corrected, { ...extensions, meta });
        const response = await server.app.inject({ method: 'POST', url: '/insert', payload: body });
        expect(response.statusCode, `${path.join('.')} = ${JSON.stringify(value)}: ${response.body}`).toBe(201);
      }),
      { numRuns: 600, seed: 20261129 },
    );
    expect(taken).toBeGreaterThan(20); // the property saw accepted submissions, not only refusals
  }, 120_000);
});
