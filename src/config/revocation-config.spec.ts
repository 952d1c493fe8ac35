import { configError } from '../../test/fixtures/config-error.js';
import { loadConfig } from './load-config.js';

const CLIENT = {
  OKTA_INTROSPECTION_CLIENT_ID: '0oa1b2c3d4E5f6G7h8i9',
  OKTA_INTROSPECTION_CLIENT_SECRET: 'secret',
};

describe('revocation configuration', () => {
  it('has no event hook and no introspection by default', () => {
    expect(loadConfig({}).revocation).toEqual({
      eventHookSecret: undefined,
      introspection: { mode: 'off', client: undefined, cacheSeconds: 30 },
    });
  });

  it('introspects writes once a client is set, unless INTROSPECT says otherwise', () => {
    const client = { id: '0oa1b2c3d4E5f6G7h8i9', secret: 'secret' };
    expect(loadConfig(CLIENT).revocation.introspection).toEqual({ mode: 'writes', client, cacheSeconds: 30 });
    expect(loadConfig({ ...CLIENT, INTROSPECT: 'all' }).revocation.introspection.mode).toBe('all');
    expect(loadConfig({ ...CLIENT, INTROSPECT: 'off' }).revocation.introspection.mode).toBe('off');
    expect(
      loadConfig({ ...CLIENT, INTROSPECTION_CACHE_SECONDS: '0' }).revocation.introspection.cacheSeconds,
    ).toBe(0);
  });

  it('takes an event hook secret of 16 characters or more', () => {
    const secret = 'a-long-random-secret with spaces';
    expect(loadConfig({ OKTA_EVENT_HOOK_SECRET: secret }).revocation.eventHookSecret).toBe(secret);
  });

  it.each(['short', 'x'.repeat(1025), `${'x'.repeat(20)}\u00e9`, `${'x'.repeat(20)}\u0007`])(
    'refuses OKTA_EVENT_HOOK_SECRET=%j without repeating it',
    (value) => {
      const message = configError({ OKTA_EVENT_HOOK_SECRET: value }, 'OKTA_EVENT_HOOK_SECRET');
      expect(message).not.toContain(value.trim());
    },
  );

  it.each([
    [{ OKTA_INTROSPECTION_CLIENT_ID: '0oa1' }, 'OKTA_INTROSPECTION_CLIENT_SECRET is not set'],
    [{ OKTA_INTROSPECTION_CLIENT_SECRET: 'secret' }, 'OKTA_INTROSPECTION_CLIENT_ID is not set'],
  ])('wants both introspection variables or neither: %j', (env, problem) => {
    expect(configError(env, 'OKTA_INTROSPECTION_CLIENT_')).toContain(problem);
  });

  it('refuses a client id that is not one, and never repeats the secret', () => {
    configError({ ...CLIENT, OKTA_INTROSPECTION_CLIENT_ID: 'a b' }, 'OKTA_INTROSPECTION_CLIENT_ID');
    const message = configError(
      { ...CLIENT, OKTA_INTROSPECTION_CLIENT_SECRET: 'bad\u0001secret-value' },
      'OKTA_INTROSPECTION_CLIENT_SECRET',
    );
    expect(message).not.toContain('secret-value');
  });

  it.each([
    [{ INTROSPECT: 'writes' }, 'INTROSPECT=writes needs OKTA_INTROSPECTION_CLIENT_ID'],
    [{ INTROSPECT: 'all' }, 'INTROSPECT=all needs OKTA_INTROSPECTION_CLIENT_ID'],
    [{ ...CLIENT, INTROSPECT: 'reads' }, 'INTROSPECT must be one of off, writes, all'],
    [{ ...CLIENT, INTROSPECT: 'ALL' }, 'INTROSPECT must be one of off, writes, all'],
    [
      { INTROSPECTION_CACHE_SECONDS: '-1' },
      'INTROSPECTION_CACHE_SECONDS must be a whole number from 0 to 3600',
    ],
    [
      { INTROSPECTION_CACHE_SECONDS: '3601' },
      'INTROSPECTION_CACHE_SECONDS must be a whole number from 0 to 3600',
    ],
  ])('refuses %j with one line naming the variable', (env, problem) => {
    expect(configError(env)).toContain(problem);
  });
});
