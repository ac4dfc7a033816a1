/**
 * A pipeline worker for the fallback test: the SDK's own worker entry, in a realm where a worker cannot start
 * workers (as in browsers without nested workers), so the classifier has to run in the pipeline worker. (The
 * entry only starts the classifier worker when `init` is called, after `Worker` is removed here.)
 */
// Not in the package's `exports` (users get it through `createDetector()`), hence the path.
import '../../node_modules/@emolens/core/dist/worker/worker.js';

(self as { Worker?: unknown }).Worker = undefined;
