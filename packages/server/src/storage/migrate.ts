/**
 * The schema migrations: `migrations/NNN_name.sql`, applied in order, each in its own transaction, and recorded in
 * `schema_migrations`. Safe when several servers start at once against one PostgreSQL: each transaction first takes
 * a transaction-scoped advisory lock, so one server applies a migration while the others wait, then see it recorded.
 */
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';

/** The folder of the shipped migrations (`packages/server/migrations`, beside `src/` and `dist/`). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** Key of the advisory lock the migrations hold (any constant; "EmoL" in ASCII). */
const MIGRATION_LOCK = 0x456d6f4c;

const FILE_NAME = /^(\d{3,})_([a-z0-9_]+)\.sql$/;

/** One migration file. */
export interface Migration {
  /** The number the file name starts with. */
  version: number;
  /** The rest of the file name, without `.sql`. */
  name: string;
  /** The SQL statements of the file. */
  statements: string[];
}

/** The migrations in `dir` (defaults to {@link MIGRATIONS_DIR}), by version. */
export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const migrations: Migration[] = [];
  for (const file of (await readdir(dir)).sort()) {
    const match = FILE_NAME.exec(file);
    if (match === null) continue;
    migrations.push({ version: Number(match[1]), name: match[2]!, statements: splitStatements(await readFile(`${dir}/${file}`, 'utf8')) });
  }
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version) throw new Error(`two migrations numbered ${migrations[i]!.version}`);
  }
  return migrations;
}

/**
 * Applies the migrations `database` has not recorded yet and returns the versions it applied (empty when it was up
 * to date). Statements are sent one at a time, without parameters, so every {@link Database} runs them alike.
 */
export async function migrate(database: Database, migrations?: readonly Migration[]): Promise<number[]> {
  const all = migrations ?? (await readMigrations());
  const applied: number[] = [];
  for (const migration of all) {
    const ran = await database.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await tx.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (done.length > 0) return false;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      return true;
    });
    if (ran) applied.push(migration.version);
  }
  return applied;
}

/** The statements of a migration file: split on `;` at the end of a line, `--` comment lines dropped. */
export function splitStatements(sql: string): string[] {
  const code = sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return code
    .split(/;[ \t]*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}
