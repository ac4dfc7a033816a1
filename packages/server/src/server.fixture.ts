/**
 * Test fixtures for the server's own tests (not built: `*.fixture.ts` is excluded from the tarball): a server on
 * in-memory PGlite and a temporary image directory, real JPEGs from sharp, and a valid body.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { toWakeeInsertBody, type WakeeInsertBody } from '@emolens/schema';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { buildServer, type ServerOptions } from './app.js';
import type { BlobStore } from './storage/blob-store.js';
import type { Database } from './storage/database.js';
import { createFileBlobStore } from './storage/file-store.js';
import { createPgliteDatabase } from './storage/pglite.js';

/**
 * A JPEG of noise (a 160×160 one at quality 80 is about 12 KB): the same bytes for the same `seed`, different ones for
 * another, so that a test that passes once passes every time.
 */
export async function makeJpeg(width = 160, height = width, seed = 0): Promise<Buffer> {
  // SHAKE256 stretches the seed into as many bytes as there are samples; they are narrowed to 58–198 around grey.
  const pixels = createHash('shake256', { outputLength: width * height * 3 }).update(`makeJpeg ${seed}`).digest();
  for (let i = 0; i < pixels.length; i++) pixels[i] = 58 + ((pixels[i]! * 140) >> 8);
  return sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
}

/**
 * `jpeg` with its scan cut short after `keep` bytes and closed by the end-of-image marker: every marker is whole, so
 * the structure walk passes it, but a decoder always runs out of data. (A cut from the middle of a scan is not a
 * sure failure: the bits after it can happen to decode to a whole image, which the decoder cannot tell from the truth.)
 */
export function cutScan(jpeg: Buffer, keep = 2000): Buffer {
  return Buffer.concat([jpeg.subarray(0, keep), jpeg.subarray(jpeg.length - 2)]);
}

/** A valid PNG signature and IHDR chunk (with its CRC) announcing `width × height`, then an empty IDAT and IEND. */
export function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A valid `/insert` body for `image` (the Wakee seed's example scores), with `overrides` merged in. */
export function insertBody(image: Buffer, overrides: Partial<WakeeInsertBody> & Record<string, unknown> = {}): WakeeInsertBody {
  const predicted = { boredom: 1.2, confusion: 0.8, engagement: 2.1, frustration: 0.3 };
  const corrected = { boredom: 1.5, confusion: 1, engagement: 2, frustration: 0.5 };
  return { ...toWakeeInsertBody(image.toString('base64'), predicted, corrected), ...overrides } as WakeeInsertBody;
}

/** A server under test and what it stores into. */
export interface TestServer {
  app: FastifyInstance;
  database: Database;
  blobs: BlobStore;
  /** The image directory. */
  imagesDir: string;
  /** Every blob key stored. */
  keys(): Promise<string[]>;
  /** Every file under the image directory, temporary files included. */
  files(): Promise<string[]>;
  /** Rows in `annotations`. */
  rows(): Promise<number>;
  /** Empties the tables and the image directory. */
  reset(): Promise<void>;
  /** Closes the server, and the storage it created (not storage passed in `options`). */
  close(): Promise<void>;
}

/**
 * Starts a server on in-memory PGlite and a temporary image directory (no fsync), logging nothing and with the
 * orphan sweep off unless `options` say otherwise. `options.database`/`options.blobs` replace the storage.
 */
export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const imagesDir = await mkdtemp(join(tmpdir(), 'emolens-server-test-'));
  const database = options.database ?? (await createPgliteDatabase());
  const blobs = options.blobs ?? (await createFileBlobStore(imagesDir, { fsync: false }));
  const app = await buildServer({ logLevel: 'silent', orphanSweep: false, rateLimit: false, ...options, database, blobs });
  await app.ready();
  return {
    app,
    database,
    blobs,
    imagesDir,
    async keys() {
      const keys: string[] = [];
      for await (const key of blobs.list()) keys.push(key);
      return keys.sort();
    },
    async files() {
      const entries = await readdir(imagesDir, { recursive: true, withFileTypes: true });
      return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
    },
    async rows() {
      const rows = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM annotations');
      return Number(rows[0]!.n);
    },
    async reset() {
      await database.query('TRUNCATE annotations, idempotency_keys');
      for await (const key of blobs.list()) await blobs.delete(key);
    },
    async close() {
      await app.close();
      if (options.database === undefined) await database.close();
      if (options.blobs === undefined) await blobs.close();
      await rm(imagesDir, { recursive: true, force: true });
    },
  };
}
