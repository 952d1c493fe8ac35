import { parentPort, workerData } from 'node:worker_threads';
import { createPrivateKey } from 'node:crypto';
import { mintRange } from './issuer.mjs';

parentPort.postMessage(mintRange({ ...workerData, pem: createPrivateKey(workerData.pem) }));
