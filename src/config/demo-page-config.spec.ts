import { configError } from '../../test/fixtures/config-error.js';
import { loadConfig } from './load-config.js';

describe('demo page configuration (OKTA_SPA_DPOP)', () => {
  it('is off unless set to true', () => {
    expect(loadConfig({}).demoPage).toEqual({ spaDpop: false });
    expect(loadConfig({ OKTA_SPA_DPOP: ' ' }).demoPage).toEqual({ spaDpop: false });
    expect(loadConfig({ OKTA_SPA_DPOP: 'false' }).demoPage).toEqual({ spaDpop: false });
    expect(loadConfig({ OKTA_SPA_DPOP: 'true' }).demoPage).toEqual({ spaDpop: true });
  });

  it.each(['1', 'yes', 'TRUE'])('refuses OKTA_SPA_DPOP=%s with one line naming the variable', (value) => {
    expect(configError({ OKTA_SPA_DPOP: value })).toBe(`OKTA_SPA_DPOP must be true or false, got "${value}"`);
  });
});
