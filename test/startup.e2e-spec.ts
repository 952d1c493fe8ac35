import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { SERVER_ENTRY, startApiProcess } from './fixtures/api-process.js';
import { JwksServer } from './fixtures/jwks-server.js';
import { generateTestKey } from './fixtures/keys.js';
import { signAccessToken } from './fixtures/tokens.js';

const ISSUER = 'https://dev-123.okta.com/oauth2/default';

/** The built server, as `npm start` runs it, refusing to start on a bad environment. */
function start(env: Record<string, string>) {
  const result = spawnSync(process.execPath, [SERVER_ENTRY], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 15000,
  });
  return {
    status: result.status,
    stderr: result.stderr,
    lines: result.stderr.trim().split('\n'),
    /** A Node stack trace anywhere in what the process wrote. */
    stack: /^\s+at /m.test(result.stderr + result.stdout),
  };
}

/** A port another process holds, as an operator's stray server would. */
async function takenPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port, server };
}

async function freePort(): Promise<number> {
  const { port, server } = await takenPort();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('startup configuration', () => {
  it.each(['production', 'Production', 'prod'])(
    'exits non-zero naming OKTA_ISSUER when NODE_ENV=%s has no issuer (no development issuer)',
    (nodeEnv) => {
      const result = start({ NODE_ENV: nodeEnv });
      expect(result.status).not.toBe(0);
      expect(result.lines).toHaveLength(1);
      expect(result.stderr).toContain('OKTA_ISSUER');
    },
  );

  it.each([
    ['OKTA_ISSUER', 'http://dev-123.okta.com/oauth2/default'],
    ['OKTA_ISSUER', 'not a url'],
    ['OKTA_ISSUER', `${ISSUER}/`],
    ['OKTA_CLOCK_TOLERANCE', '-5'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['CORS_ORIGINS', 'localhost:8080'],
    ['HOST', 'not_a_host!'],
    ['HOST', '256.1.1.1'],
    ['METRICS_HOST', 'not a host'],
    ['ADMIN_MAX_AGE', '0'],
    ['ADMIN_MAX_AGE', '15m'],
    ['ADMIN_ACR_VALUES', 'urn:okta:loa:2fa:any,not "quoted"'],
  ])('fails fast with one line naming %s=%s', (name, value) => {
    const result = start({ OKTA_ISSUER: ISSUER, [name]: value });
    expect(result.status).toBe(1);
    expect(result.lines).toHaveLength(1);
    expect(result.stderr).toContain(name);
    expect(result.stack).toBe(false);
  });

  it('refuses METRICS_PORT equal to PORT on the same address, naming METRICS_PORT', async () => {
    const port = String(await freePort());
    for (const hosts of [{}, { HOST: '0.0.0.0', METRICS_HOST: '127.0.0.1' }] as Record<string, string>[]) {
      const result = start({
        OKTA_ISSUER: ISSUER,
        DATABASE_URL: 'sqlite::memory:',
        PORT: port,
        METRICS_PORT: port,
        ...hosts,
      });
      expect(result.status).toBe(1);
      expect(result.lines).toHaveLength(1);
      expect(result.stderr).toContain('METRICS_PORT');
      expect(result.stack).toBe(false);
    }
  });
});

/** Only listening shows these: valid values the machine cannot listen on. Fatal for the API, in one line. */
describe('startup when the API cannot listen', () => {
  const listening = { OKTA_ISSUER: ISSUER, DATABASE_URL: 'sqlite::memory:', PORT: '0', METRICS_PORT: 'off' };

  it.each([
    // 192.0.2.1 (TEST-NET-1, RFC 5737) is a valid address that is no machine's, like 8.8.8.8.
    ['HOST', '192.0.2.1', 'EADDRNOTAVAIL'],
    // .invalid never resolves (RFC 2606).
    ['HOST', 'no-such-host.invalid', 'ENOTFOUND'],
  ])('exits 1 with one line naming %s=%s (%s)', (name, value) => {
    const result = start({ ...listening, [name]: value });
    expect(result.status).toBe(1);
    expect(result.lines).toHaveLength(1);
    expect(result.stderr).toContain(`${name} `);
    expect(result.stderr).toContain(value);
    expect(result.stack).toBe(false);
  });

  it.each([
    ['PORT', { OKTA_ISSUER: ISSUER }],
    ['DEV_ISSUER_PORT', {}],
    ['METRICS_PORT', { OKTA_ISSUER: ISSUER }],
  ])('exits 1 with one line naming %s when another process holds it', async (name, env) => {
    const { port, server } = await takenPort();
    try {
      const result = start({ ...listening, OKTA_ISSUER: '', ...env, [name]: String(port) });
      expect(result.status).toBe(1);
      expect(result.lines).toHaveLength(1);
      expect(result.stderr).toContain(`${name} ${port}`);
      expect(result.stderr).toContain('already in use');
      expect(result.stack).toBe(false);
    } finally {
      server.close();
    }
  });
});

describe('startup when the issuer cannot give its keys', () => {
  it('logs one ERROR line naming OKTA_ISSUER, the URL and the cause, not one per failed refresh', async () => {
    const jwks = new JwksServer([generateTestKey()]);
    jwks.mode = 'error';
    const issuer = await jwks.start();
    const api = await startApiProcess({
      NODE_ENV: 'production',
      OKTA_ISSUER: issuer,
      OKTA_JWKS_REFRESH_SECONDS: '1',
      METRICS_PORT: 'off',
    });
    try {
      // A few refreshes, each failing, and a token with an unknown key that asks again.
      await new Promise((resolve) => setTimeout(resolve, 3500));
      const token = signAccessToken({ issuer, key: generateTestKey() });
      const answer = await fetch(`${api.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(answer.status).toBe(503);
      expect(jwks.fetchCount).toBeGreaterThanOrEqual(3);
      const keyLines = api
        .output()
        .split('\n')
        .filter((line) => line.includes('"SigningKeysService"'))
        .map((line) => JSON.parse(line) as { level: number; msg: string });
      expect(keyLines).toEqual([
        {
          ...keyLines[0],
          level: 50,
          msg: `OKTA_ISSUER ${issuer}: cannot fetch its signing keys from ${issuer}/v1/keys: HTTP 500`,
        },
      ]);
      // A failed readiness check leaves its cause in the log, not only a 503 line.
      expect((await fetch(`${api.url}/health/ready`)).status).toBe(503);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(api.output()).toContain('"context":"Health","msg":"not ready: keys: no signing keys loaded"');
    } finally {
      await api.stop();
      await jwks.stop();
    }
  });
});

describe('startup with a bad TRUST_PROXY', () => {
  it('exits 1 with one line per bad entry, each naming TRUST_PROXY', () => {
    const result = start({
      OKTA_ISSUER: ISSUER,
      DATABASE_URL: 'sqlite::memory:',
      METRICS_PORT: 'off',
      TRUST_PROXY: '10.0.0.1, proxy.internal, 10.0.0.0/40',
    });
    expect(result.status).toBe(1);
    expect(result.lines).toEqual([
      expect.stringMatching(/^Configuration error: TRUST_PROXY entry "proxy\.internal" is not an IP address/),
      expect.stringMatching(/^Configuration error: TRUST_PROXY entry "10\.0\.0\.0\/40" has a prefix length/),
    ]);
    expect(result.stack).toBe(false);
  });
});
