/**
 * `@emolens/core/classifiers/emolens-ferplus`: our own FER+-leaning classifier, the most accurate on the
 * FER+ labels. Pass it as the classifier: `createDetector({ classifier: emolensFerplus })`. Only an app that imports it has
 * its model in its build.
 * @packageDocumentation
 */
import type { ClassifierModule } from '../assets/extras.js';
import { ASSET_URLS } from '../assets/urls-emolens-ferplus.generated.js';

/** The `emolens-ferplus` classifier and its model's URL. */
export const emolensFerplus: ClassifierModule = { id: 'emolens-ferplus', assetUrls: ASSET_URLS };
