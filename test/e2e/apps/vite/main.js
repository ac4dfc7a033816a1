// A Vite app on Vite's defaults (no vite.config: the default `iife` worker format included).
import * as emolens from '@emolens/core';
import { runCheck } from './check.js';

runCheck(emolens);
