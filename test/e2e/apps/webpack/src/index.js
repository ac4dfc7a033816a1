import * as emolens from '@emolens/core';
import { runCheck } from '../check.js';

runCheck(emolens);
