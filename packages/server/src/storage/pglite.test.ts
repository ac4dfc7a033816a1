import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStorage } from '../config.js';
import { insertBody, makeJpeg, startTestServer } from '../server.fixture.js';

describe('PGlite and files on a data directory', () => {
  it('keeps rows and images across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'emolens-data-'));
    try {
      const first = await openStorage({ dataDir, databaseUrl: undefined, s3: undefined });
      expect([first.database.kind, first.blobs.kind]).toEqual(['pglite', 'files']);
      const server = await startTestServer(first);
      const response = await server.app.inject({ method: 'POST', url: '/insert', payload: insertBody(await makeJpeg(), { meta: { session: 's1' } }) });
      expect(response.statusCode).toBe(201);
      const { id, image_key } = response.json<{ id: string; image_key: string }>();
      await server.close();
      await first.database.close();

      const second = await openStorage({ dataDir, databaseUrl: undefined, s3: undefined });
      const again = await startTestServer(second);
      const load = await again.app.inject({ method: 'GET', url: '/load' });
      expect(load.json().data).toMatchObject([{ id, image_key, meta: { session: 's1' } }]);
      expect(await second.blobs.get(image_key)).not.toBeNull();
      await again.close();
      await second.database.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
