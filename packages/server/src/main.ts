#!/usr/bin/env node
/**
 * The `@emolens/server` command (`node dist/main.js`): reads the environment, opens the storage it selects,
 * serves, and on SIGTERM/SIGINT stops taking requests, finishes those in flight, then closes the storage.
 */
import { buildServer } from './app.js';
import { ConfigError, openStorage, resolveConfig, type ServerConfig, type Storage } from './config.js';
import { DataDirLockedError } from './storage/data-dir-lock.js';

async function main(): Promise<void> {
  let config: ServerConfig;
  try {
    config = resolveConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  let storage: Storage;
  // Another process took the data directory over (this one was paused): stop, writing nothing more.
  let onLost = (error: Error): void => {
    console.error(error.message);
    process.exit(1);
  };
  try {
    storage = await openStorage(config, (error) => onLost(error));
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      console.error(error.message);
      process.exit(2);
    }
    // An unreachable database or bucket: one line that says which, not a stack trace.
    console.error(`could not open the storage: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const app = await buildServer({ ...config, ...storage });
  const embedded = !config.databaseUrl || !config.s3;
  app.log.info({ database: storage.database.kind, blob_store: storage.blobs.kind, ...(embedded ? { data_dir: config.dataDir } : {}), api_keys: config.apiKeys.length, cors_origins: config.corsOrigins }, 'storage ready');

  let stopping = false;
  const stop = (signal: NodeJS.Signals | 'data_dir_lost', exitCode = 0): void => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    // A second signal, or a close that hangs, ends the process anyway.
    setTimeout(() => process.exit(1), 10_000).unref();
    void app
      .close()
      .then(() => Promise.all([storage.database.close(), storage.blobs.close()]))
      .then(
        () => process.exit(exitCode),
        (error: unknown) => {
          app.log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  onLost = (error) => {
    app.log.fatal({ err: error }, 'data directory lost to another process');
    stop('data_dir_lost', 1);
  };

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    const why = listenRefusal(error, config);
    if (why) console.error(why);
    else app.log.error({ err: error }, 'could not listen');
    await app.close();
    await Promise.all([storage.database.close(), storage.blobs.close()]);
    process.exit(1);
  }
}

/** One line for the usual reasons a port cannot be taken (a stack trace says nothing more); otherwise undefined. */
function listenRefusal(error: unknown, { port, host }: ServerConfig): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return `could not listen: port ${port} on ${host} is in use; stop what holds it, or set PORT to another port`;
  if (code === 'EACCES') return `could not listen: not allowed to take port ${port} on ${host}; set PORT to a port above 1023`;
  if (code === 'EADDRNOTAVAIL') return `could not listen: ${host} is not an address of this machine; set HOST (e.g. 127.0.0.1 or 0.0.0.0)`;
  return undefined;
}

await main();
