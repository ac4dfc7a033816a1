import * as emolens from '@emolens/core';
import * as uploader from '@emolens/uploader';
import { runCheck } from '../check.js';
import { runUploadCheck } from '../upload-check.js';

runCheck(emolens);
runUploadCheck(uploader);
