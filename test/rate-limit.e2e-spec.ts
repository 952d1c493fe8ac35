import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VerifiedTokenCache } from '../src/auth/verified-token.cache.js';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';

interface Answer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A real HTTP request from `address`: every 127.x.y.z is loopback on Linux, so binding the client
 * socket there makes the API see a different client address.
 */
function from(
  app: NestFastifyApplication,
  address: string,
  token?: string,
  url = '/api/messages',
  {
    method = 'GET',
    headers = {},
    sendBody = true,
  }: { method?: string; headers?: Record<string, string>; sendBody?: boolean } = {},
): Promise<Answer> {
  const { port } = app.getHttpServer().address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path: url,
        localAddress: address,
        agent: false,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    // Without the body the headers announce, the request stays unfinished on purpose.
    if (sendBody) req.end();
    else req.flushHeaders();
  });
}

function expectTooManyRequests(answer: Answer): void {
  expect(answer.statusCode).toBe(429);
  const retryAfter = Number(answer.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(JSON.parse(answer.body)).toEqual({
    statusCode: 429,
    error: 'Too Many Requests',
    message: expect.stringMatching(/too many/),
  });
}

describe('rate limit per caller', () => {
  let env: OktaTestEnv;

  beforeAll(async () => {
    env = await startOktaTestEnv({ RATE_LIMIT_PER_CALLER: '3', RATE_LIMIT_WINDOW_SECONDS: '60' });
    await env.api.app.listen(0, '127.0.0.1');
  });

  afterAll(() => env.close());

  it('answers 429 with Retry-After once a sub has used its requests, whatever token or address it uses', async () => {
    const alice = env.token({ claims: { sub: 'alice@example.com' } });
    for (let i = 0; i < 3; i++) expect((await from(env.api.app, '127.0.0.1', alice)).statusCode).toBe(200);
    expectTooManyRequests(await from(env.api.app, '127.0.0.1', alice));
    const aliceElsewhere = env.token({ claims: { sub: 'alice@example.com' } });
    expectTooManyRequests(await from(env.api.app, '127.0.0.2', aliceElsewhere));

    const bob = env.token({ claims: { sub: 'bob@example.com' } });
    expect((await from(env.api.app, '127.0.0.1', bob)).statusCode).toBe(200);
    expect((await from(env.api.app, '127.0.0.1', undefined, '/health/live')).statusCode).toBe(200);
  });
});

describe('rate limit on refused requests per address', () => {
  let env: OktaTestEnv;

  beforeAll(async () => {
    env = await startOktaTestEnv({ RATE_LIMIT_REFUSED_PER_ADDRESS: '20' });
    await env.api.app.listen(0, '127.0.0.1');
  });

  afterAll(() => env.close());

  it('turns an address away after its refusals, but not callers from other addresses', async () => {
    const expired = env.token({ claims: { exp: Math.floor(Date.now() / 1000) - 3600 } });
    for (let i = 0; i < 20; i++) expect((await from(env.api.app, '127.1.0.1', expired)).statusCode).toBe(401);
    expectTooManyRequests(await from(env.api.app, '127.1.0.1', expired));
    expectTooManyRequests(await from(env.api.app, '127.1.0.1', env.token()));
    expect((await from(env.api.app, '127.1.0.1', undefined, '/health/ready')).statusCode).toBe(200);
    expect((await from(env.api.app, '127.1.0.2', env.token())).statusCode).toBe(200);
  });

  it('keeps a flood of bad tokens from one address off everyone else', async () => {
    const cache = env.api.app.get(VerifiedTokenCache);
    const flooder = '127.2.0.66';
    const good = env.token({ claims: { sub: 'carol@example.com' } });
    const statuses: number[] = [];
    const goodStatuses: number[] = [];
    // Random kids and forged signatures: each would cost a key lookup or an RSA check if it got in.
    const badToken = (i: number) =>
      i % 2 === 0
        ? env.token({ header: { kid: `random-${i}` } })
        : env.token({ signWith: 'hs256-public-key', header: { alg: 'HS256' } });
    const badTokens = Array.from({ length: 40 }, (_, i) => badToken(i));
    for (let batch = 0; batch < 10; batch++) {
      const answers = await Promise.all([
        ...Array.from({ length: 20 }, (_, i) => from(env.api.app, flooder, badTokens[(batch * 20 + i) % 40])),
        ...Array.from({ length: 5 }, (_, i) => from(env.api.app, `127.3.0.${i + 1}`, good)),
      ]);
      statuses.push(...answers.slice(0, 20).map((answer) => answer.statusCode));
      goodStatuses.push(...answers.slice(20).map((answer) => answer.statusCode));
    }
    expect(goodStatuses).toEqual(Array.from({ length: 50 }, () => 200));
    const verified = statuses.filter((status) => status === 401 || status === 503).length;
    expect(verified).toBeLessThanOrEqual(40);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(160);
    expect(env.jwks.fetchCount).toBeLessThanOrEqual(11);

    // Once turned away, the flood does no token work at all: no cache lookup, no verification.
    const misses = cache.misses;
    const blocked = await Promise.all(
      Array.from({ length: 100 }, (_, i) => from(env.api.app, flooder, badTokens[i % 40])),
    );
    expect(blocked.every((answer) => answer.statusCode === 429)).toBe(true);
    expect(cache.misses).toBe(misses);
  });

  it('answers an address over its limit with 429 before reading its body, CORS headers included', async () => {
    const expired = env.token({ claims: { exp: Math.floor(Date.now() / 1000) - 3600 } });
    for (let i = 0; i < 20; i++) await from(env.api.app, '127.4.0.1', expired);
    // Headers announce a 10 KB body that never comes: the answer cannot wait for it.
    const answer = await from(env.api.app, '127.4.0.1', env.token(), '/api/messages', {
      method: 'POST',
      headers: {
        origin: 'http://localhost:8080',
        'content-type': 'application/json',
        'content-length': '10000',
      },
      sendBody: false,
    });
    expectTooManyRequests(answer);
    expect(answer.headers['access-control-allow-origin']).toBe('http://localhost:8080');
  });
});
