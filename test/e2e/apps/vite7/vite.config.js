// Vite 6 and 7 build workers with Rollup, which cannot split an `iife` worker: the SDK's workers load their
// optional modules with import(), so these versions need ES module workers (the README's one line for them).
import { defineConfig } from 'vite';

export default defineConfig({ worker: { format: 'es' } });
