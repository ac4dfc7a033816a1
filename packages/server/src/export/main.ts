#!/usr/bin/env node
/**
 * `emolens-export` (`node dist/export/main.js --out DIR`): writes the collected annotations as a training set
 * (`DIR/labels.csv` and `DIR/images/`), reading the storage the server's own environment selects (`DATABASE_URL`,
 * `DATA_DIR`, `S3_*`; see the README).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, openBlobStore, openDatabase, resolveConfig, type ServerConfig } from '../config.js';
import { DEFAULT_EXPORT_CONCURRENCY, DEFAULT_EXPORT_PAGE_SIZE, exportTrainingSet } from './export.js';
import type { Database } from '../storage/database.js';
import { DataDirLockedError } from '../storage/data-dir-lock.js';

const USAGE = `Usage: emolens-export --out DIR [--since DATE] [--page-size N] [--concurrency N]

Writes DIR/labels.csv and DIR/images/<id>.<ext> from the server's storage, chosen by the same environment
variables as the server (DATABASE_URL, DATA_DIR, S3_*).

  --out DIR          folder to write into (created when missing; files of an earlier export are replaced)
  --since DATE       only annotations created at or after DATE (ISO 8601, e.g. 2026-01-31 or 2026-01-31T12:00Z)
  --page-size N      rows read per query (default ${DEFAULT_EXPORT_PAGE_SIZE})
  --concurrency N    images fetched at once (default ${DEFAULT_EXPORT_CONCURRENCY})

With the embedded database (no DATABASE_URL), stop the server first: one process at a time may open DATA_DIR/db.
Exit status: 0 when every annotation was exported, 1 when some were left out (missing, corrupt or undecodable
image), 2 on a usage or configuration error.`;

async function main(): Promise<number> {
  let args: ReturnType<typeof parse>;
  let config: ServerConfig;
  try {
    args = parse(process.argv.slice(2));
    if (args.help) {
      console.log(USAGE);
      return 0;
    }
    config = resolveConfig();
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof ConfigError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }

  // Opening PGlite or the file store on a path that does not exist would create an empty one and export nothing:
  // a mistyped DATA_DIR should fail instead.
  if (config.databaseUrl === undefined && !existsSync(join(config.dataDir, 'db'))) {
    console.error(`no database at ${join(config.dataDir, 'db')}: set DATA_DIR (or DATABASE_URL) as for the server`);
    return 2;
  }
  if (config.s3 === undefined && !existsSync(join(config.dataDir, 'images'))) {
    console.error(`no images at ${join(config.dataDir, 'images')}: set DATA_DIR (or S3_*) as for the server`);
    return 2;
  }

  let database: Database;
  try {
    database = await openDatabase(config);
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    console.error(error.message);
    return 2;
  }
  try {
    const blobs = await openBlobStore(config);
    try {
      const started = performance.now();
      const result = await exportTrainingSet({
        database,
        blobs,
        outDir: args.out,
        since: args.since,
        pageSize: args.pageSize,
        concurrency: args.concurrency,
        // A progress line rewritten in place on a terminal; a log file gets only the summary.
        onProgress: (progress) => void (process.stderr.isTTY && process.stderr.write(`\r${progress.rows} annotations, ${(progress.bytes / 1e6).toFixed(1)} MB`)),
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}exported ${result.rows} annotations (${(result.bytes / 1e6).toFixed(1)} MB of images) to ${result.labelsPath} in ${seconds} s\n`);
      if (result.missing > 0) console.error(`left out ${result.missing} annotations whose image is missing, e.g. ${result.missingIds.slice(0, 5).join(', ')}`);
      if (result.corrupt > 0) console.error(`left out ${result.corrupt} annotations whose image does not match its sha256, e.g. ${result.corruptIds.slice(0, 5).join(', ')}`);
      if (result.undecodable > 0) console.error(`left out ${result.undecodable} annotations whose image does not decode, e.g. ${result.undecodableIds.slice(0, 5).join(', ')}`);
      return result.missing + result.corrupt + result.undecodable > 0 ? 1 : 0;
    } finally {
      await blobs.close();
    }
  } finally {
    await database.close();
  }
}

class UsageError extends Error {}

function parse(argv: string[]): { help: boolean; out: string; since?: Date; pageSize?: number; concurrency?: number } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        since: { type: 'string' },
        'page-size': { type: 'string' },
        concurrency: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { help: true, out: '' };
  if (!values.out) throw new UsageError('--out DIR is required');
  const positive = (name: string, raw: string | undefined): number | undefined => {
    if (raw === undefined) return undefined;
    if (!/^[1-9]\d*$/.test(raw)) throw new UsageError(`--${name} must be a positive integer, not ${JSON.stringify(raw)}`);
    return Number(raw);
  };
  let since: Date | undefined;
  if (values.since !== undefined) {
    since = new Date(values.since);
    if (!/^\d{4}-\d{2}-\d{2}/.test(values.since) || Number.isNaN(since.getTime())) {
      throw new UsageError(`--since must be an ISO 8601 date, not ${JSON.stringify(values.since)}`);
    }
  }
  return {
    help: false,
    out: values.out,
    since,
    pageSize: positive('page-size', values['page-size']),
    concurrency: positive('concurrency', values.concurrency),
  };
}

process.exitCode = await main();
