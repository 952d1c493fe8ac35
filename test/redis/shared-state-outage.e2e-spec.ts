import type { Redis } from 'ioredis';
import { MetricsService } from '../../src/metrics/metrics.service.js';
import { Notices } from '../../src/shared-state/notices.js';
import { REDIS_LINK, type RedisLink } from '../../src/shared-state/redis-link.js';
import { ReplayMemory } from '../../src/shared-state/replay-memory.js';
import { sample } from '../fixtures/metrics.js';
import { JwksServer } from '../fixtures/jwks-server.js';
import { generateTestKey } from '../fixtures/keys.js';
import { dropKeys, redisClient, redisUrlOnPort, testKeyPrefix, testRedisAddress } from '../fixtures/redis.js';
import { TcpProxy } from '../fixtures/tcp-proxy.js';
import { createTestApp, type TestApp } from '../fixtures/test-app.js';

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!check()) throw new Error(`${what} did not happen in time`);
}

/** Replay memory and notices of two instances while Redis is away (a TCP proxy in front of it). */
describe('replay memory and notices while Redis is unreachable', () => {
  const { host, port } = testRedisAddress();
  const proxy = new TcpProxy(host, port);
  const jwks = new JwksServer([generateTestKey()]);
  const prefix = testKeyPrefix();
  let redis: Redis;
  let a: TestApp;
  let b: TestApp;
  const heard = { a: [] as string[], b: [] as string[] };

  const fallbacks = async (api: TestApp, use: string) =>
    sample(await api.app.get(MetricsService).registry.metrics(), 'redis_fallbacks_total', { use }) ?? 0;
  const linkUp = (api: TestApp) => api.app.get<RedisLink>(REDIS_LINK).up;

  beforeAll(async () => {
    redis = await redisClient();
    const env = {
      OKTA_ISSUER: await jwks.start(),
      REDIS_URL: redisUrlOnPort(await proxy.start()),
      REDIS_KEY_PREFIX: prefix,
      REDIS_TIMEOUT_MS: '100',
    };
    [a, b] = await Promise.all([createTestApp(env), createTestApp(env)]);
    a.app.get(Notices).subscribe('outage', (message) => heard.a.push(message));
    b.app.get(Notices).subscribe('outage', (message) => heard.b.push(message));
    await until(() => linkUp(a) && linkUp(b), 'both links up');
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await proxy.stop();
    await jwks.stop();
    await dropKeys(redis, prefix);
  });

  it.each(['refuse', 'silence'] as const)(
    'remembers keys and delivers its own notices exactly once in its own memory (%s), and shares again after',
    async (how) => {
      heard.a.length = 0;
      heard.b.length = 0;
      const [memoryA, memoryB] = [a.app.get(ReplayMemory), b.app.get(ReplayMemory)];
      const before = { replay: await fallbacks(a, 'replay'), notices: await fallbacks(a, 'notices') };
      await proxy.cut(how);

      const started = performance.now();
      expect(await memoryA.firstUse(`${how}-1`, 60)).toBe(true);
      expect(await memoryA.firstUse(`${how}-1`, 60)).toBe(false);
      await a.app.get(Notices).publish('outage', `${how} during`);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(heard.a).toEqual([`${how} during`]);
      expect(await fallbacks(a, 'replay')).toBeGreaterThan(before.replay);
      expect(await fallbacks(a, 'notices')).toBe(before.notices + 1);

      // A silent connection is given up within a second or two (socket timeout, heartbeat).
      await until(() => !linkUp(a) && !linkUp(b), 'both links noticing the outage');
      await proxy.restore();
      await until(() => linkUp(a) && linkUp(b), 'both links up again');
      // What A saw during the outage is still a replay on A; B never heard of it.
      expect(await memoryA.firstUse(`${how}-1`, 60)).toBe(false);
      expect(await memoryB.firstUse(`${how}-1`, 60)).toBe(true);
      expect(await memoryA.firstUse(`${how}-2`, 60)).toBe(true);
      expect(await memoryB.firstUse(`${how}-2`, 60)).toBe(false);
      // Subscriptions are made again on reconnection: B hears A again, A hears itself once.
      const subscribed = async () => {
        const [, count] = (await redis.pubsub('NUMSUB', `${prefix}notices:outage`)) as [string, number];
        return count;
      };
      for (let i = 0; i < 200 && (await subscribed()) < 2; i++) await new Promise((r) => setTimeout(r, 25));
      await a.app.get(Notices).publish('outage', `${how} after`);
      await until(() => heard.b.includes(`${how} after`), 'B hearing A');
      await b.app.get(Notices).publish('outage', `${how} from B`);
      await until(() => heard.a.includes(`${how} from B`), 'A hearing B');
      expect(heard.a).toEqual([`${how} during`, `${how} after`, `${how} from B`]);
      expect(heard.b).toEqual([`${how} after`, `${how} from B`]);
    },
  );
});
