// A Vite app on Vite's defaults (no vite.config: the default `iife` worker format included).
import * as emolens from '@emolens/core';
import * as uploader from '@emolens/uploader';
import * as personalise from '@emolens/personalise';
import { runCheck } from './check.js';
import { runUploadCheck } from './upload-check.js';
import { runPersonaliseCheck } from './personalise-check.js';

runCheck(emolens);
runUploadCheck(uploader);
runPersonaliseCheck(personalise);
