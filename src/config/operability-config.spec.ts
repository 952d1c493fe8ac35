import { ConfigError, loadConfig } from './load-config.js';

const ISSUER = 'https://dev-123.okta.com/oauth2/default';

describe('operability configuration', () => {
  it('defaults to info logs, pretty in development and JSON in production', () => {
    expect(loadConfig({}).logging).toEqual({ level: 'info', format: 'pretty' });
    expect(loadConfig({ NODE_ENV: 'production', OKTA_ISSUER: ISSUER }).logging).toEqual({
      level: 'info',
      format: 'json',
    });
    expect(loadConfig({ LOG_LEVEL: 'warn', LOG_FORMAT: 'json' }).logging).toEqual({
      level: 'warn',
      format: 'json',
    });
  });

  it('serves metrics on 9464 by default, on the API host, and not at all when METRICS_PORT=off', () => {
    expect(loadConfig({ HOST: '0.0.0.0' }).metrics).toEqual({ port: 9464, host: '0.0.0.0' });
    expect(loadConfig({ METRICS_PORT: 'off' }).metrics.port).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: '0', METRICS_HOST: '10.0.0.5' }).metrics).toEqual({
      port: 0,
      host: '10.0.0.5',
    });
  });

  it('has rate limits high enough for the benchmark by default', () => {
    expect(loadConfig({}).rateLimit).toEqual({ windowSeconds: 60, perCaller: 6000, refusedPerAddress: 1000 });
    expect(loadConfig({ RATE_LIMIT_PER_CALLER: '0' }).rateLimit.perCaller).toBe(0);
  });

  it.each([
    ['LOG_LEVEL', 'verbose'],
    ['LOG_FORMAT', 'xml'],
    ['METRICS_PORT', '99999'],
    ['METRICS_PORT', 'on'],
    ['RATE_LIMIT_WINDOW_SECONDS', '0'],
    ['RATE_LIMIT_PER_CALLER', '-1'],
    ['RATE_LIMIT_REFUSED_PER_ADDRESS', 'many'],
  ])('refuses %s=%s with a message naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
