/**
 * `@emolens/core/classifiers/human-emotion`: @vladmandic/human's emotion model (mini-Xception,
 * 64×64 grey). Pass it as the classifier: `createDetector({ classifier: humanEmotion })`. Only an app that imports it has
 * its model in its build.
 * @packageDocumentation
 */
import type { ClassifierModule } from '../assets/extras.js';
import { ASSET_URLS } from '../assets/urls-human-emotion.generated.js';

/** The `human-emotion` classifier and its model's URL. */
export const humanEmotion: ClassifierModule = { id: 'human-emotion', assetUrls: ASSET_URLS };
