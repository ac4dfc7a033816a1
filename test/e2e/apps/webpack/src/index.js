import * as emolens from '@emolens/core';
import * as uploader from '@emolens/uploader';
import * as personalise from '@emolens/personalise';
import { runCheck } from '../check.js';
import { runUploadCheck } from '../upload-check.js';
import { runPersonaliseCheck } from '../personalise-check.js';

runCheck(emolens);
runUploadCheck(uploader);
runPersonaliseCheck(personalise);
