import { configError } from '../../test/fixtures/config-error.js';
import { loadConfig } from './load-config.js';

describe('admin step-up configuration', () => {
  it('is off by default and when both variables are empty', () => {
    const off = { acrValues: [], maxAgeSeconds: undefined };
    expect(loadConfig({}).adminStepUp).toEqual(off);
    expect(loadConfig({ ADMIN_ACR_VALUES: '', ADMIN_MAX_AGE: ' ' }).adminStepUp).toEqual(off);
  });

  it('reads a comma-separated list of acr values and a max age in seconds', () => {
    const config = loadConfig({
      ADMIN_ACR_VALUES: 'urn:okta:loa:2fa:any, urn:okta:loa:2fa:any:ifpossible,',
      ADMIN_MAX_AGE: '900',
    });
    expect(config.adminStepUp).toEqual({
      acrValues: ['urn:okta:loa:2fa:any', 'urn:okta:loa:2fa:any:ifpossible'],
      maxAgeSeconds: 900,
    });
  });

  it.each(['0', '-5', '1.5', '15m', 'abc', '31536001', '1e3'])(
    'refuses ADMIN_MAX_AGE=%s with one line naming the variable',
    (value) => {
      expect(configError({ ADMIN_MAX_AGE: value })).toMatch(
        /^ADMIN_MAX_AGE must be a whole number of seconds from 1 to 31536000/,
      );
    },
  );

  it.each(['two words', 'say"hi"', 'back\\slash'])(
    'refuses an acr value that cannot be announced in a challenge: %s',
    (value) => {
      expect(configError({ ADMIN_ACR_VALUES: `urn:okta:loa:2fa:any,${value}` })).toMatch(
        /^ADMIN_ACR_VALUES /,
      );
    },
  );
});
