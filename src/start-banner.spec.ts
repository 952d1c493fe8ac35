import type { ResolvedConfig } from './config/app-config.js';
import { loadConfig } from './config/load-config.js';
import { startBanner } from './start-banner.js';

const ISSUER = 'https://dev-123.okta.com/oauth2/default';
const configFor = (env: Record<string, string>) =>
  loadConfig({ OKTA_ISSUER: ISSUER, ...env }) as ResolvedConfig;

describe('startBanner', () => {
  it('names the address the API listens on, and a loopback URL to open', () => {
    const lines = startBanner(configFor({}), { address: '127.0.0.1', family: 'IPv4', port: 8000 }, undefined);
    expect(lines[0]).toBe(`API listening on http://127.0.0.1:8000 with issuer ${ISSUER}`);
    expect(lines).toContain('  API docs   http://127.0.0.1:8000/api/docs');
    expect(lines).toContain('  metrics    off (METRICS_PORT=off)');
  });

  it('says when HOST=0.0.0.0 puts the API and the metrics on every interface', () => {
    const config = configFor({ HOST: '0.0.0.0' });
    const lines = startBanner(
      config,
      { address: '0.0.0.0', family: 'IPv4', port: 8000 },
      'http://0.0.0.0:9464/metrics',
    );
    expect(lines[0]).toBe(`API listening on http://0.0.0.0:8000 (every interface) with issuer ${ISSUER}`);
    expect(lines).toContain('  demo page  http://127.0.0.1:8000/');
    expect(lines.find((line) => line.includes('metrics'))).toContain('every interface: set METRICS_HOST');
  });

  it('brackets an IPv6 address', () => {
    const lines = startBanner(
      configFor({ HOST: '::1' }),
      { address: '::1', family: 'IPv6', port: 8000 },
      undefined,
    );
    expect(lines[0]).toMatch(/^API listening on http:\/\/\[::1\]:8000 /);
  });

  it('names the Okta event hook when OKTA_EVENT_HOOK_SECRET is set, and only then', () => {
    const address = { address: '127.0.0.1', family: 'IPv4', port: 8000 };
    const on = startBanner(configFor({ OKTA_EVENT_HOOK_SECRET: 'x'.repeat(32) }), address, undefined);
    expect(on).toContain(
      '  Okta event hook  http://127.0.0.1:8000/hooks/okta (OKTA_EVENT_HOOK_SECRET is set)',
    );
    expect(startBanner(configFor({}), address, undefined).join('\n')).not.toContain('hooks/okta');
  });

  it('names the Redis the limits are shared in, without its password, and says nothing without one', () => {
    const address = { address: '127.0.0.1', family: 'IPv4', port: 8000 };
    const shared = startBanner(
      configFor({ REDIS_URL: 'redis://:secret@cache.internal:6380/2' }),
      address,
      undefined,
    );
    expect(shared).toContain(
      '  shared     limits, replay memory, notices in redis://cache.internal:6380/2 (keys okta-api:…)',
    );
    expect(shared.join('\n')).not.toContain('secret');
    expect(startBanner(configFor({}), address, undefined).join('\n')).not.toContain('shared');
  });

  it('says when DPoP nonces use a random secret of this process, and only then', () => {
    const at = { address: '127.0.0.1', family: 'IPv4', port: 8000 };
    const random = startBanner(configFor({ DPOP_NONCE: 'true' }), at, undefined);
    expect(random.find((line) => line.includes('DPoP'))).toMatch(/random secret of this process/);
    const shared = configFor({ DPOP_NONCE: 'true', DPOP_NONCE_SECRET: 'x'.repeat(32) });
    expect(startBanner(shared, at, undefined).some((line) => line.includes('DPoP'))).toBe(false);
  });
});
