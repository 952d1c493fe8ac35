import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppModule } from '../src/app.module.js';
import { configureApp, createAdapter } from '../src/app.setup.js';
import type { ResolvedConfig } from '../src/config/app-config.js';
import { resolveSites } from '../src/config/resolve-sites.js';
import { loadConfig } from '../src/config/load-config.js';
import { startDevIssuer, type DevIssuer } from '../src/dev-issuer/dev-issuer.js';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';

interface Call {
  /** The TCP peer: every 127.x.y.z is loopback on Linux. */
  peer: string;
  token?: string;
  forwardedFor?: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

function send(app: NestFastifyApplication, call: Call): Promise<number> {
  const { port } = app.getHttpServer().address() as AddressInfo;
  const headers: Record<string, string> = { ...call.headers };
  if (call.token) headers.authorization = `Bearer ${call.token}`;
  if (call.forwardedFor !== undefined) headers['x-forwarded-for'] = call.forwardedFor;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: call.method ?? 'GET',
        path: call.path ?? '/api/messages',
        localAddress: call.peer,
        agent: false,
        headers,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(call.body);
  });
}

const LIMIT = 5;

/** The contract's "Behind a load balancer": whose address the refusal limit counts. */
describe('TRUST_PROXY and the per-address refusal limit', () => {
  let env: OktaTestEnv;
  let expired: string;
  const PROXY = '127.0.0.1';

  beforeAll(async () => {
    env = await startOktaTestEnv({
      TRUST_PROXY: `${PROXY}, 10.0.0.0/8`,
      RATE_LIMIT_REFUSED_PER_ADDRESS: String(LIMIT),
    });
    await env.api.app.listen(0, '127.0.0.1');
    expired = env.token({ claims: { exp: Math.floor(Date.now() / 1000) - 3600 } });
  });

  afterAll(() => env.close());

  const refuse = async (call: Omit<Call, 'token'>, times = LIMIT) => {
    for (let i = 0; i < times; i++) expect(await send(env.api.app, { ...call, token: expired })).toBe(401);
  };

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const spoofer = '127.4.0.1';
    // A new forged address each time does not spread the refusals over many "clients".
    for (let i = 0; i < LIMIT; i++) {
      expect(
        await send(env.api.app, { peer: spoofer, token: expired, forwardedFor: `198.51.100.${i}` }),
      ).toBe(401);
    }
    const next = { peer: spoofer, token: env.token(), forwardedFor: '198.51.100.200' };
    expect(await send(env.api.app, next)).toBe(429);
    // Nor does it frame the addresses it named: those clients, behind the proxy, are served.
    const framed = { peer: PROXY, token: env.token(), forwardedFor: '198.51.100.1' };
    expect(await send(env.api.app, framed)).toBe(200);
  });

  it('limits the client a trusted proxy forwards, not the proxy: one bad client does not block another', async () => {
    await refuse({ peer: PROXY, forwardedFor: '203.0.113.7' });
    expect(await send(env.api.app, { peer: PROXY, token: env.token(), forwardedFor: '203.0.113.7' })).toBe(
      429,
    );
    expect(await send(env.api.app, { peer: PROXY, token: env.token(), forwardedFor: '203.0.113.8' })).toBe(
      200,
    );
    expect(await send(env.api.app, { peer: PROXY, token: env.token() })).toBe(200);
    expect(await send(env.api.app, { peer: '127.4.0.2', token: env.token() })).toBe(200);
  });

  it('takes the rightmost address that is not a trusted proxy, whatever the client put before it', async () => {
    await refuse({ peer: PROXY, forwardedFor: '203.0.113.20, 10.1.2.3' });
    const blocked = env.token();
    // Through a second trusted hop (10.0.0.0/8), and with a forged address the client prepended.
    for (const forwardedFor of ['203.0.113.20', '203.0.113.20, 10.9.9.9', '192.0.2.1, 203.0.113.20']) {
      expect(await send(env.api.app, { peer: PROXY, token: blocked, forwardedFor })).toBe(429);
    }
    expect(
      await send(env.api.app, { peer: PROXY, token: blocked, forwardedFor: '203.0.113.20, 192.0.2.1' }),
    ).toBe(200);
  });
});

describe('TRUST_PROXY and development-only paths', () => {
  let dev: DevIssuer;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    dev = await startDevIssuer({ host: '127.0.0.1', port: 0, audience: 'api://default' });
    const loaded = loadConfig({
      DATABASE_URL: 'sqlite::memory:',
      TRUST_PROXY: '127.0.0.1',
      METRICS_PORT: '0',
    });
    const config: ResolvedConfig = {
      ...resolveSites(loaded, dev.issuers),
      devIssuer: { issuer: dev.issuer, tokenEndpoint: dev.tokenEndpoint, sites: ['default'] },
    };
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config)] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(createAdapter(config), { logger: false });
    await configureApp(app, config);
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app.close();
    await dev.stop();
  });

  it('never lets X-Forwarded-Host from a trusted proxy pass a foreign Host as loopback', async () => {
    const token = (headers: Record<string, string>) =>
      send(app, {
        peer: '127.0.0.1',
        method: 'POST',
        path: '/api/dev/token',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ sub: 'mallory@example.com', scopes: ['messages:read'], groups: [] }),
      });
    expect(await token({ host: 'evil.example', 'x-forwarded-host': 'localhost' })).toBe(404);
    expect(await token({ host: 'localhost', 'x-forwarded-host': 'evil.example' })).toBe(200);
  });
});
