/** The server's version, read once from its package.json (the same file in the source tree and in the tarball). */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `version` of `@emolens/server`'s package.json, as `/health` reports it. */
export const SERVER_VERSION: string = (require('../package.json') as { version: string }).version;
