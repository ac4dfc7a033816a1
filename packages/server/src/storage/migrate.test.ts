import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import { migrate, readMigrations, splitStatements } from './migrate.js';
import { createPgliteDatabase } from './pglite.js';

describe('migrations', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createPgliteDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  it('reads the shipped migrations in order', async () => {
    const migrations = await readMigrations();
    expect(migrations[0]).toMatchObject({ version: 1, name: 'init' });
    expect(migrations[0]!.statements.length).toBeGreaterThanOrEqual(3);
    expect(migrations.map((m) => m.version)).toEqual([...migrations.map((m) => m.version)].sort((a, b) => a - b));
  });

  it('applies each migration once, records it, and is a no-op the second time', async () => {
    const all = await readMigrations();
    // Two servers starting at once: the advisory lock lets one apply, the other then sees it recorded.
    const [first, second] = await Promise.all([migrate(db), migrate(db)]);
    expect([...first!, ...second!].sort()).toEqual(all.map((m) => m.version));
    expect(await migrate(db)).toEqual([]);
    const recorded = await db.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(recorded).toEqual(all.map((m) => ({ version: m.version, name: m.name })));
    const tables = await db.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((t) => t.name)).toEqual(['annotations', 'idempotency_keys', 'schema_migrations']);
  });

  it('applies a new migration after the recorded ones, and rolls back a failing one whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emolens-migrations-'));
    try {
      await writeFile(join(dir, '001_init.sql'), 'SELECT 1;\n');
      await writeFile(join(dir, '950_extra.sql'), 'CREATE TABLE extra_a (x int);\nCREATE TABLE extra_b (y int);\n');
      await writeFile(join(dir, '951_broken.sql'), 'CREATE TABLE extra_c (x int);\nTHIS IS NOT SQL;\n');
      const migrations = await readMigrations(dir);
      await expect(migrate(db, migrations)).rejects.toThrow();
      const versions = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(versions.map((v) => v.version)).toEqual([1, 950]);
      const tables = await db.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_name LIKE 'extra_%' ORDER BY 1");
      expect(tables.map((t) => t.name)).toEqual(['extra_a', 'extra_b']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('splits a file into statements, dropping comment lines', () => {
    expect(splitStatements('-- a comment; with a semicolon\nCREATE TABLE a (x int);\n\nCREATE INDEX b ON a (x) ;  \n-- end\n')).toEqual([
      'CREATE TABLE a (x int)',
      'CREATE INDEX b ON a (x)',
    ]);
  });
});
