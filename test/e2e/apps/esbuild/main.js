// An esbuild bundle (build.mjs): the SDK finds its workers at ./worker/ beside the bundle, its assets at baseUrl.
import * as emolens from '@emolens/core';
import * as uploader from '@emolens/uploader';
import * as personalise from '@emolens/personalise';
import { runCheck } from './check.js';
import { runUploadCheck } from './upload-check.js';
import { runPersonaliseCheck } from './personalise-check.js';

runCheck(emolens, { baseUrl: new URL('./emolens-assets/', import.meta.url) });
runUploadCheck(uploader);
runPersonaliseCheck(personalise);
