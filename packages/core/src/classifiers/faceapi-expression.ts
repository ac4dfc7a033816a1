/**
 * `@emolens/core/classifiers/faceapi-expression`: @vladmandic/face-api's FaceExpressionNet
 * (112×112 RGB). Pass it as the classifier: `createDetector({ classifier: faceapiExpression })`. Only an app that imports it has
 * its model in its build.
 * @packageDocumentation
 */
import type { ClassifierModule } from '../assets/extras.js';
import { ASSET_URLS } from '../assets/urls-faceapi-expression.generated.js';

/** The `faceapi-expression` classifier and its model's URL. */
export const faceapiExpression: ClassifierModule = { id: 'faceapi-expression', assetUrls: ASSET_URLS };
