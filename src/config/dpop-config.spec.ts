import { configError } from '../../test/fixtures/config-error.js';
import { loadConfig } from './load-config.js';

const ISSUER = 'https://dev-123.okta.com/oauth2/default';
const SECRET = 'x'.repeat(32);

describe('DPoP configuration', () => {
  it('is off by default: no public URL, Bearer allowed, no nonces', () => {
    expect(loadConfig({}).dpop).toEqual({ publicUrl: undefined, required: false, nonce: undefined });
  });

  it('reads PUBLIC_URL as an origin: lower-case host, no default port, no trailing slash', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://API.Example.com:443/' }).dpop.publicUrl).toBe(
      'https://api.example.com',
    );
    expect(loadConfig({ PUBLIC_URL: 'http://localhost:8000' }).dpop.publicUrl).toBe('http://localhost:8000');
  });

  it.each([
    ['not a URL', 'api.example.com', /must be a URL/],
    ['another scheme', 'ftp://api.example.com', /http or https/],
    ['a path', 'https://api.example.com/api', /origin without a path/],
    ['a query', 'https://api.example.com?x=1', /origin without a path/],
    ['an empty query', 'https://api.example.com/?', /origin without a path/],
    ['a fragment', 'https://api.example.com#top', /origin without a path/],
    ['credentials', 'https://user:pass@api.example.com', /credentials/],
  ])('refuses PUBLIC_URL with %s, naming the variable', (_case, value, problem) => {
    expect(configError({ PUBLIC_URL: value }, 'PUBLIC_URL')).toMatch(problem);
  });

  it.each([
    ['true', true],
    ['false', false],
    ['', false],
  ])('reads DPOP_REQUIRED=%s', (value, required) => {
    expect(loadConfig({ DPOP_REQUIRED: value }).dpop.required).toBe(required);
  });

  it.each(['yes', '1', 'TRUE', 'on'])('refuses DPOP_REQUIRED=%s and DPOP_NONCE=%s', (value) => {
    expect(configError({ DPOP_REQUIRED: value }, 'DPOP_REQUIRED')).toMatch(/must be true or false/);
    expect(configError({ DPOP_NONCE: value }, 'DPOP_NONCE')).toMatch(/must be true or false/);
  });

  it('uses DPOP_NONCE_SECRET for nonces when DPOP_NONCE=true', () => {
    expect(loadConfig({ DPOP_NONCE: 'true', DPOP_NONCE_SECRET: SECRET }).dpop.nonce).toEqual({
      secret: SECRET,
      generated: false,
    });
  });

  it('makes a random secret per process outside production, and says so', () => {
    const first = loadConfig({ DPOP_NONCE: 'true' }).dpop.nonce;
    const second = loadConfig({ DPOP_NONCE: 'true' }).dpop.nonce;
    expect(first?.generated).toBe(true);
    expect(first?.secret.length).toBeGreaterThanOrEqual(32);
    expect(first?.secret).not.toBe(second?.secret);
  });

  it('requires DPOP_NONCE_SECRET for nonces in production', () => {
    const production = { NODE_ENV: 'production', OKTA_ISSUER: ISSUER, DPOP_NONCE: 'true' };
    expect(configError(production, 'DPOP_NONCE_SECRET')).toMatch(
      /required when DPOP_NONCE=true in production/,
    );
    expect(loadConfig({ ...production, DPOP_NONCE_SECRET: SECRET }).dpop.nonce?.generated).toBe(false);
  });

  it('refuses a DPOP_NONCE_SECRET shorter than 32 characters', () => {
    expect(
      configError({ DPOP_NONCE: 'true', DPOP_NONCE_SECRET: 'x'.repeat(31) }, 'DPOP_NONCE_SECRET'),
    ).toMatch(/at least 32 characters/);
  });
});
