import { listenFailure } from './listen-failure.js';
import { ConfigError, loadConfig } from './load-config.js';

const ISSUER = 'https://dev-123.okta.com/oauth2/default';

describe('listen addresses (HOST, METRICS_HOST)', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['::', '::'],
    ['::1', '::1'],
    ['[::1]', '::1'],
    ['localhost', 'localhost'],
    ['api.internal.example.com', 'api.internal.example.com'],
    ['messages_api_1', 'messages_api_1'],
  ])('accepts HOST=%s', (value, host) => {
    expect(loadConfig({ HOST: value }).host).toBe(host);
  });

  it.each([
    'not_a_host!',
    '256.1.1.1',
    '10.0.1',
    '1.2.3.4.5',
    'a b',
    '-api',
    'http://localhost',
    'host:8000',
    '[localhost]',
  ])('refuses HOST=%s with a message naming HOST', (value) => {
    expect(() => loadConfig({ HOST: value })).toThrow(ConfigError);
    expect(() => loadConfig({ HOST: value })).toThrow(/^HOST must be an IP address .* got "/);
  });

  it('refuses an invalid METRICS_HOST, naming it', () => {
    expect(() => loadConfig({ METRICS_HOST: '999.0.0.1' })).toThrow(/^METRICS_HOST /);
  });
});

describe('ports that would clash', () => {
  it.each([
    [{ PORT: '9000', METRICS_PORT: '9000' }],
    [{ PORT: '9000', METRICS_PORT: '9000', HOST: '0.0.0.0', METRICS_HOST: '127.0.0.1' }],
    [{ PORT: '9000', METRICS_PORT: '9000', HOST: '127.0.0.1', METRICS_HOST: '::' }],
    [{ PORT: '9000', METRICS_PORT: '9000', HOST: 'localhost', METRICS_HOST: '127.0.0.1' }],
    [{ PORT: '9000', METRICS_PORT: '9000', HOST: '::ffff:127.0.0.1', METRICS_HOST: '127.0.0.1' }],
    [{ PORT: '9000', METRICS_PORT: '9000', HOST: '0:0:0:0:0:0:0:1', METRICS_HOST: '[::1]' }],
  ])('refuses METRICS_PORT equal to PORT on an overlapping address: %j', (env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/^METRICS_PORT must not be the API port \(PORT=9000\)/);
  });

  it.each([
    [{ PORT: '0', METRICS_PORT: '0' }],
    [{ PORT: '9464', METRICS_PORT: 'off' }],
    [{ PORT: '9000', METRICS_PORT: '9000', HOST: '127.0.0.1', METRICS_HOST: '10.0.0.5' }],
  ])('accepts %j', (env) => {
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('refuses DEV_ISSUER_PORT equal to PORT when the development issuer runs, naming DEV_ISSUER_PORT', () => {
    expect(() => loadConfig({ PORT: '9000', DEV_ISSUER_PORT: '9000' })).toThrow(/^DEV_ISSUER_PORT /);
    expect(() => loadConfig({ PORT: '9000', DEV_ISSUER_PORT: '9000', HOST: '0.0.0.0' })).toThrow(
      /^DEV_ISSUER_PORT /,
    );
    expect(loadConfig({ OKTA_ISSUER: ISSUER, PORT: '9000', DEV_ISSUER_PORT: '9000' }).port).toBe(9000);
  });
});

describe('listenFailure', () => {
  const target = { hostVariable: 'HOST', portVariable: 'PORT', host: '127.0.0.1', port: 80 };
  const failure = (code: string) => listenFailure(Object.assign(new Error(code), { code }), target);

  it.each([
    ['EADDRINUSE', /^PORT 80 is already in use on 127\.0\.0\.1/],
    ['EACCES', /^PORT 80 on 127\.0\.0\.1 needs privileges/],
    ['EADDRNOTAVAIL', /^HOST must be an address of this machine/],
    ['ENOTFOUND', /^HOST must be an address of this machine or a name that resolves/],
    ['EAI_AGAIN', /^HOST /],
  ])('turns %s into one line naming the variable', (code, message) => {
    const error = failure(code);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toMatch(message);
    expect(error?.message).toContain(code);
    expect(error?.message).not.toContain('\n');
  });

  it('leaves other errors alone', () => {
    expect(failure('ECONNREFUSED')).toBeUndefined();
    expect(listenFailure(new Error('boom'), target)).toBeUndefined();
    expect(listenFailure(undefined, target)).toBeUndefined();
  });
});
