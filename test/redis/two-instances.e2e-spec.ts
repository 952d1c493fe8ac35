import type { Redis } from 'ioredis';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Notices } from '../../src/shared-state/notices.js';
import { RedisNotices } from '../../src/shared-state/redis-notices.js';
import { RedisReplayMemory } from '../../src/shared-state/redis-replay-memory.js';
import { ReplayMemory } from '../../src/shared-state/replay-memory.js';
import request from 'supertest';
import { dpopCall, DPOP_HOST } from '../fixtures/dpop-calls.js';
import { dpopProof, generateDpopKey } from '../fixtures/dpop-proof.js';
import { JwksServer } from '../fixtures/jwks-server.js';
import { generateTestKey } from '../fixtures/keys.js';
import { eventBatch, HOOK_SECRET, oktaEvent } from '../fixtures/okta-events.js';
import { dropKeys, redisClient, TEST_REDIS_URL, testKeyPrefix } from '../fixtures/redis.js';
import { createTestApp, type TestApp } from '../fixtures/test-app.js';
import { signAccessToken } from '../fixtures/tokens.js';

/** A request from `address` (every 127.x.y.z is loopback on Linux); resolves to the status and Retry-After. */
function from(
  api: TestApp,
  address: string,
  token: string,
): Promise<{ status: number; retryAfter?: string }> {
  const { port } = api.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/api/messages',
        localAddress: address,
        agent: false,
        headers: { authorization: `Bearer ${token}` },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The contract's "Several instances (REDIS_URL)": two instances, one Redis, one key prefix, no proxy. */
describe('two instances sharing one Redis', () => {
  const key = generateTestKey();
  const jwks = new JwksServer([key]);
  const prefix = testKeyPrefix();
  let issuer: string;
  let redis: Redis;
  let a: TestApp;
  let b: TestApp;

  const token = (sub: string, expired = false) =>
    signAccessToken({
      issuer,
      key,
      claims: { sub, ...(expired ? { exp: Math.floor(Date.now() / 1000) - 3600 } : {}) },
    });

  beforeAll(async () => {
    redis = await redisClient();
    issuer = await jwks.start();
    const env = {
      OKTA_ISSUER: issuer,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      RATE_LIMIT_PER_CALLER: '4',
      RATE_LIMIT_REFUSED_PER_ADDRESS: '5',
      OKTA_EVENT_HOOK_SECRET: HOOK_SECRET,
    };
    [a, b] = await Promise.all([createTestApp(env), createTestApp(env)]);
    await Promise.all([a.app.listen(0, '127.0.0.1'), b.app.listen(0, '127.0.0.1')]);
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await jwks.stop();
    await dropKeys(redis, prefix);
  });

  it('uses the Redis implementations of the shared-state seams', () => {
    expect(a.app.get(ReplayMemory)).toBeInstanceOf(RedisReplayMemory);
    expect(a.app.get(Notices)).toBeInstanceOf(RedisNotices);
  });

  it('limits a caller over its limit on one instance on the other too, and no other caller', async () => {
    const alice = token('alice@example.com');
    expect((await from(a, '127.0.0.1', alice)).status).toBe(200);
    expect((await from(b, '127.0.0.1', alice)).status).toBe(200);
    expect((await from(a, '127.0.0.1', alice)).status).toBe(200);
    expect((await from(b, '127.0.0.1', alice)).status).toBe(200);
    // Four requests in all: the fifth is over the limit, whichever instance it reaches.
    const overOnA = await from(a, '127.0.0.1', alice);
    const overOnB = await from(b, '127.0.0.1', alice);
    expect([overOnA.status, overOnB.status]).toEqual([429, 429]);
    expect(Number(overOnB.retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await from(b, '127.0.0.1', token('bob@example.com'))).status).toBe(200);
    expect(await redis.get(`${prefix}rl:caller:alice@example.com`)).not.toBeNull();
  });

  it('refuses on the other instance an address refused too often on one, though it never refused it itself', async () => {
    const mallory = '127.6.0.1';
    for (let i = 0; i < 5; i++) expect((await from(a, mallory, token('mallory', true))).status).toBe(401);
    // B saw none of those refusals: it learns the address is over its limit from A.
    const onB = await from(b, mallory, token('mallory@example.com'));
    expect(onB.status).toBe(429);
    expect(Number(onB.retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await from(a, mallory, token('mallory@example.com'))).status).toBe(429);
    expect((await from(b, '127.6.0.2', token('carol@example.com'))).status).toBe(200);
  });

  it('counts the refusals of one address on both instances together', async () => {
    const eve = '127.6.0.3';
    for (let i = 0; i < 3; i++) expect((await from(a, eve, token('eve', true))).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await from(b, eve, token('eve', true))).status).toBe(401);
    expect((await from(a, eve, token('eve@example.com'))).status).toBe(429);
    expect((await from(b, eve, token('eve@example.com'))).status).toBe(429);
  });

  it('makes a replay memory key used on one instance a replay on the other', async () => {
    const [memoryA, memoryB] = [a.app.get(ReplayMemory), b.app.get(ReplayMemory)];
    expect(await memoryA.firstUse('proof-1', 60)).toBe(true);
    expect(await memoryB.firstUse('proof-1', 60)).toBe(false);
    expect(await memoryA.firstUse('proof-1', 60)).toBe(false);
    expect(await memoryB.firstUse('proof-2', 60)).toBe(true);
    expect(await memoryA.firstUse('proof-2', 60)).toBe(false);
    const ttl = await redis.ttl(`${prefix}replay:proof-1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it("delivers a notice to the other instance's subscribers and to the publisher's own exactly once", async () => {
    const heard = { a: [] as string[], b: [] as string[] };
    const [noticesA, noticesB] = [a.app.get(Notices), b.app.get(Notices)];
    noticesA.subscribe('test-channel', (message) => heard.a.push(message));
    noticesB.subscribe('test-channel', (message) => heard.b.push(message));
    // Subscribing is asynchronous: publish once Redis has both subscriptions.
    const subscribed = async () => {
      const [, count] = (await redis.pubsub('NUMSUB', `${prefix}notices:test-channel`)) as [string, number];
      if (count < 2) await new Promise((resolve) => setTimeout(resolve, 5)).then(subscribed);
    };
    await subscribed();
    const arrived = (list: string[], message: string) =>
      new Promise<void>((resolve) => {
        const look = () => (list.includes(message) ? resolve() : setTimeout(look, 5));
        look();
      });

    await noticesA.publish('test-channel', 'one');
    expect(heard.a).toEqual(['one']);
    await arrived(heard.b, 'one');
    // Redis delivers in order on A's subscription: once B's notice arrives, A's own echo of "one"
    // (which it must drop) has arrived before it.
    await noticesB.publish('test-channel', 'two');
    await arrived(heard.a, 'two');
    expect(heard.a).toEqual(['one', 'two']);
    expect(heard.b).toEqual(['one', 'two']);
  });

  it('refuses on the other instance a DPoP proof one instance accepted', async () => {
    const dpopKey = await generateDpopKey();
    const bound = signAccessToken({
      issuer,
      key,
      claims: { sub: 'frank@example.com', cnf: { jkt: dpopKey.jkt } },
    });
    const proof = await dpopProof({
      key: dpopKey,
      method: 'GET',
      url: `http://${DPOP_HOST}/api/messages`,
      accessToken: bound,
    });
    const call = { authorization: `DPoP ${bound}`, proofs: [proof] };
    expect((await dpopCall(a.server, call)).status).toBe(200);
    const replayed = await dpopCall(b.server, call);
    expect(replayed.status).toBe(401);
    expect(replayed.headers['www-authenticate']).toContain('error="invalid_dpop_proof"');
    expect(replayed.headers['www-authenticate']).toContain('error_description="DPoP proof was already used"');
  });

  it('pushes a revocation one instance stored to the other, which has a database of its own and a cached token', async () => {
    const uid = '00urevokedOnA0000001';
    const grace = signAccessToken({ issuer, key, claims: { sub: 'grace@example.com', uid } });
    const call = (api: TestApp) => request(api.server).get('/api/me').set('Authorization', `Bearer ${grace}`);
    expect((await call(b)).status).toBe(200);
    const event = oktaEvent('user.lifecycle.deactivate', uid, { published: Date.now() + 1000 });
    const stored = await request(a.server)
      .post('/hooks/okta')
      .set('Authorization', HOOK_SECRET)
      .send(eventBatch([event]));
    expect(stored.status).toBe(200);
    // B's database never sees A's row: only the notice through Redis can tell it.
    const deadline = Date.now() + 5000;
    let answer = await call(b);
    while (answer.status === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      answer = await call(b);
    }
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toContain('error_description="token revoked"');
  });
});
