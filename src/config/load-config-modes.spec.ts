import { configError } from '../../test/fixtures/config-error.js';
import { loadConfig } from './load-config.js';

const ISSUER = 'https://dev-123.okta.com/oauth2/default';

describe('NODE_ENV and the development-only paths', () => {
  it.each([[{}], [{ NODE_ENV: '' }], [{ NODE_ENV: 'development' }], [{ NODE_ENV: 'test' }]])(
    'allows the development issuer with %j',
    (env: Record<string, string>) => {
      const config = loadConfig(env);
      expect(config.production).toBe(false);
      expect(config.okta.issuer).toBeUndefined();
      expect(config.logging.format).toBe('pretty');
    },
  );

  it.each(['production', 'Production', 'PRODUCTION', 'prod', 'staging', 'Development', 'dev', 'testing'])(
    'treats NODE_ENV=%s as production: OKTA_ISSUER is required',
    (nodeEnv) => {
      const message = configError({ NODE_ENV: nodeEnv });
      expect(message).toContain('OKTA_ISSUER');
      expect(message).toContain(`NODE_ENV=${nodeEnv}`);
      const config = loadConfig({ NODE_ENV: nodeEnv, OKTA_ISSUER: ISSUER });
      expect(config.production).toBe(true);
      expect(config.logging.format).toBe('json');
    },
  );
});

describe('OKTA_ISSUER copy-paste mistakes', () => {
  it.each([
    `${ISSUER}/`,
    `${ISSUER}//`,
    'https://dev-123.okta.com/',
    'http://127.0.0.1:8001/oauth2/default/',
  ])('refuses the issuer %s with a trailing slash, suggesting it without', (issuer) => {
    const message = configError({ OKTA_ISSUER: issuer });
    expect(message).toContain('OKTA_ISSUER');
    expect(message).toContain('Okta issuers never');
    expect(message).toContain(`"${issuer.replace(/\/+$/, '')}"`);
  });

  it('accepts the org authorization server issuer, which has no path', () => {
    expect(loadConfig({ OKTA_ISSUER: 'https://dev-123.okta.com' }).okta.issuer).toBe(
      'https://dev-123.okta.com',
    );
  });
});
