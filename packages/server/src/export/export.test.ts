/**
 * The training-set export on PGlite + files and on PostgreSQL + S3, and its command line on a `DATA_DIR`.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAnnotation, SCORE_COLUMNS, type NewAnnotation } from '../annotations/repository.js';
import { imageKey, uuidv7 } from '../image/keys.js';
import { cutScan, makeJpeg } from '../server.fixture.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { Database } from '../storage/database.js';
import { createFileBlobStore } from '../storage/file-store.js';
import { migrate } from '../storage/migrate.js';
import { createPgliteDatabase } from '../storage/pglite.js';
import { createPostgresDatabase } from '../storage/postgres.js';
import { createS3BlobStore } from '../storage/s3-store.js';
import { startPostgresServer } from '../testing/postgres-server.js';
import { startS3Server } from '../testing/s3-server.js';
import { exportTrainingSet, LABEL_COLUMNS } from './export.js';

const HEADER = 'id,image,created_at,predicted_boredom,predicted_confusion,predicted_engagement,predicted_frustration,user_boredom,user_confusion,user_engagement,user_frustration,predicted_emotion,user_emotion';

/** A distinct fake JPEG per annotation (the export copies bytes; it never decodes them). */
function imageBytes(seed: number): Promise<Uint8Array> {
  return makeJpeg(48, 48, seed);
}

function annotation(seed: number, bytes: Uint8Array): NewAnnotation {
  const id = uuidv7();
  return {
    id,
    imageKey: imageKey(id, 'jpg'),
    imageSha256: createHash('sha256').update(bytes).digest('hex'),
    imageType: 'image/jpeg',
    imageWidth: 48,
    imageHeight: 48,
    imageBytes: bytes.length,
    body: {
      image_base64: '',
      predicted_boredom: seed % 4,
      predicted_confusion: 0.5,
      predicted_engagement: 3,
      predicted_frustration: 1.25,
      user_boredom: (seed + 1) % 4,
      user_confusion: 0,
      user_engagement: 2,
      user_frustration: 0.75,
      ...(seed % 2 === 0 ? { predicted_emotion: 'happiness', user_emotion: 'neutral' } : {}),
    },
  };
}

/**
 * Stores `count` annotations; several share one transaction, hence one `created_at`, so the export's cursor must
 * break ties by id. Returns them with their image bytes.
 */
async function seed(database: Database, blobs: BlobStore, count: number, from = 0): Promise<{ row: NewAnnotation; bytes: Uint8Array }[]> {
  const seeded = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const bytes = await imageBytes(from + i + 1);
      return { row: annotation(from + i, bytes), bytes };
    }),
  );
  for (const { row, bytes } of seeded) await blobs.put(row.imageKey, bytes, row.imageType);
  for (let i = 0; i < seeded.length; i += 3) {
    await database.transaction(async (tx) => {
      for (const { row } of seeded.slice(i, i + 3)) await insertAnnotation(tx, row);
    });
  }
  return seeded;
}

/** `labels.csv` as header and rows of cells (the export writes no quoted cells). */
async function readLabels(outDir: string): Promise<{ header: string; rows: Record<string, string>[] }> {
  const [header, ...lines] = (await readFile(join(outDir, 'labels.csv'), 'utf8')).split('\r\n').filter((line) => line !== '');
  const columns = header!.split(',');
  return { header: header!, rows: lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [columns[i], cell]))) };
}

const BACKENDS = [
  {
    name: 'PGlite + files',
    async open() {
      const root = await mkdtemp(join(tmpdir(), 'emolens-export-files-'));
      const database = await createPgliteDatabase();
      const blobs = await createFileBlobStore(root, { fsync: false });
      return { database, blobs, stop: () => rm(root, { recursive: true, force: true }) };
    },
  },
  {
    name: 'PostgreSQL + S3',
    async open() {
      const [pg, s3] = await Promise.all([startPostgresServer(), startS3Server()]);
      const database = await createPostgresDatabase(pg.url);
      const blobs = createS3BlobStore({ ...s3, forcePathStyle: true });
      return { database, blobs, stop: () => Promise.all([pg.stop(), s3.stop()]).then(() => {}) };
    },
  },
];

describe.each(BACKENDS)('exportTrainingSet on $name', ({ open }) => {
  let database: Database;
  let blobs: BlobStore;
  let stop: () => Promise<void>;
  let outRoot: string;

  beforeAll(async () => {
    ({ database, blobs, stop } = await open());
    outRoot = await mkdtemp(join(tmpdir(), 'emolens-export-out-'));
  });
  afterAll(async () => {
    await database?.close();
    await blobs?.close();
    await stop?.();
    if (outRoot) await rm(outRoot, { recursive: true, force: true });
  });

  it('refuses a database the server never migrated, and writes the header alone for an empty one', async () => {
    const outDir = join(outRoot, 'empty');
    await expect(exportTrainingSet({ database, blobs, outDir })).rejects.toThrow(/no annotations table/);
    await migrate(database);
    const result = await exportTrainingSet({ database, blobs, outDir });
    expect(result.rows).toBe(0);
    expect(await readFile(join(outDir, 'labels.csv'), 'utf8')).toBe(`${HEADER}\r\n`);
  });

  describe('with annotations', () => {
    let seeded: { row: NewAnnotation; bytes: Uint8Array }[];
    beforeAll(async () => {
      seeded = await seed(database, blobs, 11);
    });

    it('writes every annotation once, across pages, with its image and labels', async () => {
      const outDir = join(outRoot, 'all');
      const pages: number[] = [];
      const result = await exportTrainingSet({ database, blobs, outDir, pageSize: 4, concurrency: 3, onProgress: (p) => pages.push(p.rows) });
      expect(result).toMatchObject({ rows: 11, missing: 0, corrupt: 0 });
      expect(result.bytes).toBe(seeded.reduce((sum, { bytes }) => sum + bytes.length, 0));
      expect(pages).toEqual([4, 8, 11]);

      const { header, rows } = await readLabels(outDir);
      expect(header).toBe(HEADER);
      expect(LABEL_COLUMNS.join(',')).toBe(HEADER);
      expect(rows.map((row) => row.id).sort()).toEqual(seeded.map(({ row }) => row.id).sort());
      // Oldest first: created_at never decreases down the file.
      const times = rows.map((row) => Date.parse(row.created_at!));
      expect(times).toEqual([...times].sort((a, b) => a - b));

      for (const { row, bytes } of seeded) {
        const line = rows.find((candidate) => candidate.id === row.id)!;
        expect(line.image).toBe(`images/${row.id}.jpg`);
        expect(Buffer.from(await readFile(join(outDir, line.image!)))).toEqual(Buffer.from(bytes));
        for (const column of SCORE_COLUMNS) expect(Number(line[column])).toBe((row.body as unknown as Record<string, number>)[column]);
        expect(line.predicted_emotion).toBe(row.body.predicted_emotion ?? '');
        expect(line.user_emotion).toBe(row.body.user_emotion ?? '');
      }
      expect((await readdir(join(outDir, 'images'))).length).toBe(11);
      expect(await readdir(outDir)).not.toContain('labels.csv.partial');
    });

    it('exports only the annotations created since a time', async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const since = new Date();
      const later = await seed(database, blobs, 2, 100);
      const outDir = join(outRoot, 'since');
      const result = await exportTrainingSet({ database, blobs, outDir, since });
      expect(result.rows).toBe(2);
      expect((await readLabels(outDir)).rows.map((row) => row.id).sort()).toEqual(later.map(({ row }) => row.id).sort());
    });

    it('leaves out, and counts, annotations whose image is missing, altered or undecodable', async () => {
      const [missing, altered, spliced] = await seed(database, blobs, 3, 200);
      await blobs.delete(missing!.row.imageKey);
      await blobs.put(altered!.row.imageKey, Uint8Array.of(0xff, 0xd8, 0xff, 0), 'image/jpeg');
      // Stored as sent, its sha256 recorded: a JPEG whose markers are whole but whose scan was cut short, which the
      // server's default structure check lets through.
      const splicedBytes = cutScan(await makeJpeg(160, 120, 9));
      await blobs.put(spliced!.row.imageKey, splicedBytes, 'image/jpeg');
      await database.query('UPDATE annotations SET image_sha256 = $1 WHERE id = $2', [createHash('sha256').update(splicedBytes).digest('hex'), spliced!.row.id]);
      const outDir = join(outRoot, 'problems');
      const result = await exportTrainingSet({ database, blobs, outDir });
      expect(result).toMatchObject({
        rows: 13,
        missing: 1,
        corrupt: 1,
        undecodable: 1,
        missingIds: [missing!.row.id],
        corruptIds: [altered!.row.id],
        undecodableIds: [spliced!.row.id],
      });
      const ids = (await readLabels(outDir)).rows.map((row) => row.id);
      expect(ids).toHaveLength(13);
      for (const problem of [missing, altered, spliced]) expect(ids).not.toContain(problem!.row.id);
    });
  });
});

describe('emolens-export command', () => {
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  const packageDir = fileURLToPath(new URL('../..', import.meta.url));
  // `node --import tsx` rather than the tsx binary, which would start a second Node process for each run.
  const run = (args: string[], env: Record<string, string>) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', main, ...args], { cwd: packageDir, env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });

  it('exports the DATA_DIR the server wrote, and explains its usage errors', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'emolens-export-cli-'));
    try {
      const database = await createPgliteDatabase(join(dataDir, 'db'));
      const blobs = await createFileBlobStore(join(dataDir, 'images'), { fsync: false });
      await migrate(database);
      const seeded = await seed(database, blobs, 3);
      await database.close();

      const outDir = join(dataDir, 'out');
      const ok = await run(['--out', outDir], { DATA_DIR: dataDir });
      expect(ok.stderr).toContain('exported 3 annotations');
      expect(ok.code).toBe(0);
      expect((await readLabels(outDir)).rows.map((row) => row.id).sort()).toEqual(seeded.map(({ row }) => row.id).sort());

      const [noOut, badSince, wrongDir] = await Promise.all([
        run([], { DATA_DIR: dataDir }),
        run(['--out', outDir, '--since', 'yesterday'], { DATA_DIR: dataDir }),
        run(['--out', outDir], { DATA_DIR: join(dataDir, 'nowhere') }),
      ]);
      expect(noOut.code).toBe(2);
      expect(noOut.stderr).toContain('--out DIR is required');
      expect(badSince.code).toBe(2);
      expect(badSince.stderr).toContain('--since must be an ISO 8601 date');
      expect(wrongDir.code).toBe(2);
      expect(wrongDir.stderr).toMatch(/no database at/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
