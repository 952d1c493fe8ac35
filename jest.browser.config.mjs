/** `npm run test:browser`: the built server driven by headless Chromium. Not part of `npm test`. */
import { shared } from './jest.config.mjs';

export default {
  ...shared,
  testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
  testTimeout: 60000,
  maxWorkers: 1,
};
