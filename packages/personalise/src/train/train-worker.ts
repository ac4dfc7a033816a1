/**
 * Entry of the training worker (a module Web Worker, started on the first `train()`): exposes the
 * {@link TrainWorkerApi} through Comlink. tfjs is loaded only here.
 */
import { expose } from 'comlink';
import { createTrainWorkerApi } from './train-worker-api.js';

expose(createTrainWorkerApi());
