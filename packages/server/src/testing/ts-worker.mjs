// Runs a worker thread's TypeScript source (workerData.entry) under tsx: the tests load the server from source, and a
// worker does not inherit the test runner's loader.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
