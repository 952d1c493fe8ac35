/** `npm run test:browser`: the built server driven by headless Chromium. Not part of `npm test`. */
import base from './jest.config.mjs';

export default {
  ...base,
  testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
  testTimeout: 60000,
  maxWorkers: 1,
};
