/** Tests import this first: tfjs's production mode, so the Node backend's advice is not printed on every run. */
import * as tf from '@tensorflow/tfjs';

tf.env().set('PROD', true);
