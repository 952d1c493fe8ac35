import { spawnSync } from 'node:child_process';
import { SERVER_ENTRY } from './fixtures/api-process.js';

/** The built server, as `npm start` runs it, refusing to start on a bad environment. */
function start(env: Record<string, string>) {
  const result = spawnSync(process.execPath, [SERVER_ENTRY], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 15000,
  });
  return { status: result.status, stderr: result.stderr, lines: result.stderr.trim().split('\n') };
}

describe('startup configuration', () => {
  it('exits non-zero naming OKTA_ISSUER when production has no issuer', () => {
    const result = start({ NODE_ENV: 'production' });
    expect(result.status).not.toBe(0);
    expect(result.lines).toHaveLength(1);
    expect(result.stderr).toContain('OKTA_ISSUER');
  });

  it.each([
    ['OKTA_ISSUER', 'http://dev-123.okta.com/oauth2/default'],
    ['OKTA_ISSUER', 'not a url'],
    ['OKTA_CLOCK_TOLERANCE', '-5'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['CORS_ORIGINS', 'localhost:8080'],
  ])('fails fast with one line naming %s=%s', (name, value) => {
    const result = start({ OKTA_ISSUER: 'https://dev-123.okta.com/oauth2/default', [name]: value });
    expect(result.status).toBe(1);
    expect(result.lines).toHaveLength(1);
    expect(result.stderr).toContain(name);
  });
});
