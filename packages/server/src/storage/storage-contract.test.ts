/**
 * The storage contract: the same cases against every {@link Database} (PGlite, a real PostgreSQL) and every
 * {@link BlobStore} (files, S3 through s3rver), so the server behaves alike on each backend. Each server starts once
 * for the file; the cases that stop one run last in their block.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresServer, type PostgresServer } from '../testing/postgres-server.js';
import { startS3Server, type S3Server } from '../testing/s3-server.js';
import type { BlobStore } from './blob-store.js';
import type { Database } from './database.js';
import { createFileBlobStore } from './file-store.js';
import { migrate } from './migrate.js';
import { createPgliteDatabase } from './pglite.js';
import { createPgliteThreadDatabase } from './pglite-thread.js';
import { createPostgresDatabase } from './postgres.js';
import { createS3BlobStore } from './s3-store.js';

/** Strings that would break a query built by concatenation; each must come back byte for byte. */
const HOSTILE = [
  "'; drop table contract_items; --",
  "O'Brien",
  "''",
  '"double" \\"quoted\\"',
  'back\\slash \\x00 \\\\',
  '$1 $2 ?',
  '-- comment',
  '/* open comment',
  'émoji 😀 \u2028 \u202e',
  'x'.repeat(10_000),
];

interface DatabaseCase {
  name: 'pglite' | 'pglite (worker thread)' | 'postgres';
  kind: Database['kind'];
  open(): Promise<{ database: Database; stop(): Promise<void> }>;
}

const DATABASES: DatabaseCase[] = [
  {
    name: 'pglite',
    kind: 'pglite',
    async open() {
      const database = await createPgliteDatabase();
      return { database, stop: () => database.close() };
    },
  },
  {
    name: 'pglite (worker thread)',
    kind: 'pglite',
    async open() {
      const database = await createPgliteThreadDatabase();
      return { database, stop: () => database.close() };
    },
  },
  {
    name: 'postgres',
    kind: 'postgres',
    async open() {
      const server = await startPostgresServer();
      const database = await createPostgresDatabase(server.url, { poolSize: 3 });
      return { database, stop: () => server.stop() };
    },
  },
];

describe.each(DATABASES)('Database: $name', ({ kind, open }) => {
  let database: Database;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ database, stop } = await open());
    await database.query('create table contract_items (id serial primary key, label text not null unique, data jsonb)');
  });
  afterAll(async () => {
    await database?.close();
    await stop?.();
  });

  it('reports its kind', () => {
    expect(database.kind).toBe(kind);
  });

  it('binds hostile strings as values, never as SQL', async () => {
    for (const label of HOSTILE) {
      const [inserted] = await database.query<{ id: number }>('insert into contract_items (label, data) values ($1, $2) returning id', [
        label,
        JSON.stringify({ label }),
      ]);
      const rows = await database.query<{ label: string; data: { label: string } }>('select label, data from contract_items where id = $1', [
        inserted!.id,
      ]);
      expect(rows).toEqual([{ label, data: { label } }]);
    }
    // The table the first string names is still there, with every row.
    const [count] = await database.query<{ n: number }>('select count(*) as n from contract_items');
    expect(count!.n).toBe(HOSTILE.length);
  });

  it('returns bigint counts as numbers, timestamps as Dates and jsonb as objects', async () => {
    const [row] = await database.query<Record<string, unknown>>(
      "select count(*) as n, 9007199254740993::int8 as big, now() as at, '{\"a\":[1]}'::jsonb as j, 2.5::float8 as f",
    );
    expect(row).toEqual({ n: 1, big: 9007199254740993n, at: expect.any(Date), j: { a: [1] }, f: 2.5 });
  });

  it('refuses a NUL character in text (PostgreSQL cannot store it)', async () => {
    await expect(database.query('select $1::text as s', ['a\u0000b'])).rejects.toThrow(/0x00/);
    // The refusal broke nothing.
    await expect(database.query('select 1 as one')).resolves.toEqual([{ one: 1 }]);
  });

  it('commits a transaction that resolves', async () => {
    const result = await database.transaction(async (tx) => {
      await tx.query('insert into contract_items (label) values ($1)', ['committed-1']);
      await tx.query('insert into contract_items (label) values ($1)', ['committed-2']);
      return 'done';
    });
    expect(result).toBe('done');
    const rows = await database.query('select label from contract_items where label like $1 order by label', ['committed-%']);
    expect(rows).toEqual([{ label: 'committed-1' }, { label: 'committed-2' }]);
  });

  it('rolls back a transaction that throws, and rethrows its error', async () => {
    const failure = new Error('work failed');
    await expect(
      database.transaction(async (tx) => {
        await tx.query('insert into contract_items (label) values ($1)', ['rolled-back']);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await database.query('select 1 from contract_items where label = $1', ['rolled-back'])).toEqual([]);
  });

  it('rolls back on a failing statement and releases its connection each time', async () => {
    // More failing transactions than the pool has connections: a leaked connection would hang the next one.
    for (let i = 0; i < 6; i++) {
      await expect(
        database.transaction(async (tx) => {
          await tx.query('insert into contract_items (label) values ($1)', [`dup-${i}`]);
          await tx.query('insert into contract_items (label) values ($1)', [`dup-${i}`]);
        }),
      ).rejects.toThrow(/unique|duplicate/i);
    }
    expect(await database.query("select 1 from contract_items where label like 'dup-%'")).toEqual([]);
  });

  it('runs concurrent transactions without losing a row', async () => {
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        database.transaction(async (tx) => {
          await tx.query('insert into contract_items (label) values ($1)', [`concurrent-${i}`]);
        }),
      ),
    );
    const [count] = await database.query<{ n: number }>("select count(*) as n from contract_items where label like 'concurrent-%'");
    expect(count!.n).toBe(12);
  });

  it('applies the migrations once, also when two servers start together', async () => {
    const [first, second] = await Promise.all([migrate(database), migrate(database)]);
    expect([...first!, ...second!].sort()).toEqual([1]);
    expect(await migrate(database)).toEqual([]);
    expect(await database.query('select count(*) as n from annotations')).toEqual([{ n: 0 }]);
  });

  it('answers ping while it is up', async () => {
    await expect(database.ping()).resolves.toBeUndefined();
  });

  it('rejects ping once it is stopped', async () => {
    await stop();
    await expect(database.ping()).rejects.toThrow();
  });
});

describe('Database: postgres errors', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgresServer({ database: 'secrets' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const password = () => new URL(server.url).password;
  /** The error `promise` rejects with; fails the test when it resolves. */
  const rejection = async (promise: Promise<unknown>): Promise<Error> => {
    try {
      await promise;
    } catch (error) {
      expect(error).toBeInstanceOf(Error);
      return error as Error;
    }
    throw new Error('expected a rejection');
  };

  it('never puts the password or the URL in an error', async () => {
    const database = await createPostgresDatabase(server.url);
    try {
      const error = await rejection(database.query('select * from no_such_table'));
      expect(`${error.message}\n${error.stack}\n${JSON.stringify(error)}`).not.toContain(password());
    } finally {
      await database.close();
    }

    const wrongPassword = server.url.replace(password(), 'not-the-password');
    const refused = await rejection(createPostgresDatabase(wrongPassword));
    expect(refused.message).toMatch(/password authentication failed/);
    expect(`${refused.message}\n${refused.stack}`).not.toContain('not-the-password');

    const closedPort = server.url.replace(/:(\d+)\//, ':1/');
    const unreachable = await rejection(createPostgresDatabase(closedPort));
    expect(unreachable.message).toMatch(/cannot reach PostgreSQL at 127\.0\.0\.1:1\/secrets/);
    expect(`${unreachable.message}\n${unreachable.stack}`).not.toContain(password());

    const malformed = `postgres://postgres:${password()}@[bad-host/db`;
    const invalid = await rejection(createPostgresDatabase(malformed));
    expect(`${invalid.message}\n${invalid.stack}\n${JSON.stringify(invalid)}`).not.toContain(password());
  });

  it('survives a connection killed in the middle of a transaction, and serves the next one', async () => {
    const database = await createPostgresDatabase(server.url, { poolSize: 2 });
    try {
      const failed = database.transaction(async (tx) => {
        const [{ pid }] = (await tx.query<{ pid: number }>('select pg_backend_pid() as pid')) as [{ pid: number }];
        // Another connection ends this one between two statements (as a server restart or failover would).
        await database.query('select pg_terminate_backend($1)', [pid]);
        await new Promise((resolve) => setTimeout(resolve, 100));
        await tx.query('select 1');
      });
      await expect(failed).rejects.toThrow();
      // The dead connection was destroyed, not pooled: every pooled connection still works.
      await Promise.all([database.ping(), database.ping(), database.transaction((tx) => tx.query('select 1'))]);
    } finally {
      await database.close();
    }
  });

  it('refuses a transaction handle used after its transaction ended', async () => {
    const database = await createPostgresDatabase(server.url);
    try {
      let escaped: { query(sql: string): Promise<unknown> } | undefined;
      await database.transaction(async (tx) => {
        escaped = tx;
      });
      await expect(escaped!.query('select 1')).rejects.toThrow(/already ended/);
    } finally {
      await database.close();
    }
  });
});

/** Keys per ListObjectsV2 page in these tests, small so that paging is exercised with a few keys. */
const LIST_PAGE_SIZE = 7;

interface BlobStoreCase {
  name: 'files' | 's3';
  open(): Promise<{ store: BlobStore; stop(): Promise<void> }>;
}

const BLOB_STORES: BlobStoreCase[] = [
  {
    name: 'files',
    async open() {
      const root = await mkdtemp(join(tmpdir(), 'emolens-files-'));
      const store = await createFileBlobStore(root, { fsync: false });
      return { store, stop: () => rm(root, { recursive: true, force: true }) };
    },
  },
  {
    name: 's3',
    async open() {
      const server: S3Server = await startS3Server();
      const store = createS3BlobStore({ ...server, forcePathStyle: true, listPageSize: LIST_PAGE_SIZE });
      return { store, stop: () => server.stop() };
    },
  },
];

/** Every byte value, then a 50 KB body: the size of a typical annotation JPEG. */
const BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);
const LARGE = Uint8Array.from({ length: 50_000 }, (_, i) => (i * 31) & 0xff);

describe.each(BLOB_STORES)('BlobStore: $name', ({ name, open }) => {
  let store: BlobStore;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ store, stop } = await open());
  });
  afterAll(async () => {
    await store?.close();
    await stop?.();
  });

  const keys = async (prefix?: string) => {
    const all: string[] = [];
    for await (const key of store.list(prefix)) all.push(key);
    return all.sort();
  };

  it('reports its kind', () => {
    expect(store.kind).toBe(name);
  });

  it('gives back exactly the bytes it was given', async () => {
    await store.put('images/2026/01/every-byte.bin', BYTES, 'application/octet-stream');
    await store.put('images/2026/01/large.jpg', LARGE, 'image/jpeg');
    expect(Buffer.from((await store.get('images/2026/01/every-byte.bin'))!)).toEqual(Buffer.from(BYTES));
    expect(Buffer.from((await store.get('images/2026/01/large.jpg'))!)).toEqual(Buffer.from(LARGE));
  });

  it('replaces a blob put twice under one key', async () => {
    await store.put('images/replaced.jpg', Uint8Array.of(1), 'image/jpeg');
    await store.put('images/replaced.jpg', Uint8Array.of(2, 2), 'image/jpeg');
    expect(Array.from((await store.get('images/replaced.jpg'))!)).toEqual([2, 2]);
  });

  it('answers null for a missing key', async () => {
    expect(await store.get('images/none.jpg')).toBeNull();
  });

  it('deletes, also a key that is not there', async () => {
    await store.put('images/deleted.jpg', BYTES, 'image/jpeg');
    await store.delete('images/deleted.jpg');
    expect(await store.get('images/deleted.jpg')).toBeNull();
    await expect(store.delete('images/deleted.jpg')).resolves.toBeUndefined();
  });

  it('lists every key, or those under a prefix', async () => {
    await store.put('list/a/1.jpg', BYTES, 'image/jpeg');
    await store.put('list/a/2.jpg', BYTES, 'image/jpeg');
    await store.put('list/b/3.jpg', BYTES, 'image/jpeg');
    expect(await keys('list/a/')).toEqual(['list/a/1.jpg', 'list/a/2.jpg']);
    expect(await keys('list/')).toEqual(['list/a/1.jpg', 'list/a/2.jpg', 'list/b/3.jpg']);
    expect(await keys()).toEqual(expect.arrayContaining(['images/2026/01/large.jpg', 'list/b/3.jpg']));
    expect(await keys('list/none/')).toEqual([]);
  });

  it('lists more keys than one page holds', async () => {
    // The S3 store lists 7 keys a page here (LIST_PAGE_SIZE): 20 keys prove the continuation is followed.
    const many = Array.from({ length: 20 }, (_, i) => `many/${String(i).padStart(4, '0')}.bin`);
    await Promise.all(many.map((key) => store.put(key, Uint8Array.of(1), 'application/octet-stream')));
    expect(await keys('many/')).toEqual(many);
  });

  it.each([
    '../escape.jpg',
    'images/../../etc/passwd',
    '/etc/passwd',
    './images/x.jpg',
    'images/./x.jpg',
    'images/..',
    'Images/UPPER.jpg',
    'images\\x.jpg',
    'images/x.jpg\u0000',
    '',
    'x'.repeat(300),
  ])('refuses the key %j for every operation', async (key) => {
    await expect(store.put(key, BYTES, 'image/jpeg')).rejects.toThrow(/not a blob key/);
    await expect(store.get(key)).rejects.toThrow(/not a blob key/);
    await expect(store.delete(key)).rejects.toThrow(/not a blob key/);
  });

  it('answers ping while it is up', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('rejects ping once it is stopped', async () => {
    await stop();
    await expect(store.ping()).rejects.toThrow();
  });
});
