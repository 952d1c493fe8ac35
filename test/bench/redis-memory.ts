/**
 * What the shared state costs Redis: writes the keys the API writes (through its own limiter and
 * replay memory code) for BENCH_KEYS callers, addresses and DPoP proofs, and reads Redis's
 * `used_memory` (INFO memory) before and after, and `MEMORY USAGE` of one key of each kind.
 * Not part of `npm test`; run `npm run bench:redis-memory`. BENCH_REDIS_URL (redis://127.0.0.1:6379),
 * BENCH_KEYS (100000). Its keys have a prefix of their own and are deleted afterwards.
 */
import { loadConfig } from '../../src/config/load-config.js';
import { fixedWindowLimiter } from '../../src/rate-limit/limiter-store.js';
import { RedisLink } from '../../src/shared-state/redis-link.js';
import { RedisReplayMemory } from '../../src/shared-state/redis-replay-memory.js';
import { dropKeys, testKeyPrefix } from '../fixtures/redis.js';

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const KEYS = Number(process.env.BENCH_KEYS ?? 100_000);
const BATCH = 1000;

async function usedMemory(link: RedisLink): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await link.client.info('memory'))?.[1] ?? 0);
}

/** Runs `write(i)` for i in 0..KEYS-1, BATCH at a time; returns the growth of used_memory per key. */
async function measure(link: RedisLink, write: (i: number) => Promise<unknown>): Promise<number> {
  const before = await usedMemory(link);
  for (let start = 0; start < KEYS; start += BATCH) {
    await Promise.all(Array.from({ length: Math.min(BATCH, KEYS - start) }, (_, i) => write(start + i)));
  }
  return ((await usedMemory(link)) - before) / KEYS;
}

async function main(): Promise<void> {
  const prefix = testKeyPrefix();
  const config = loadConfig({ REDIS_URL, REDIS_KEY_PREFIX: prefix, REDIS_TIMEOUT_MS: '5000' }).redis!;
  const link = new RedisLink(config);
  await link.start();
  try {
    // As the API configures them by default: 6000 requests per caller and 1000 refusals per address a minute.
    const callers = fixedWindowLimiter('caller', 6000, 60, link);
    const addresses = fixedWindowLimiter('refused', 1000, 60, link);
    const replay = new RedisReplayMemory(link);
    // An Okta sub is the user's login, an email address; a DPoP key is a thumbprint and a jti.
    const sub = (i: number) => `user${100_000 + i}@example.com`;
    const address = (i: number) => `203.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const proof = (i: number) =>
      `dpop:${'x'.repeat(43)}:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const perCaller = await measure(link, (i) => callers.consume(sub(i)));
    const perAddress = await measure(link, (i) => addresses.consume(address(i)));
    const perProof = await measure(link, (i) => replay.firstUse(proof(i), 120));
    const usage = async (key: string) => Number(await link.client.memory('USAGE', key));
    const rows = {
      'caller (rl:caller:<sub>)': [perCaller, await usage(`${prefix}rl:caller:${sub(0)}`)],
      'address (rl:refused:<ip>)': [perAddress, await usage(`${prefix}rl:refused:${address(0)}`)],
      'DPoP proof (replay:<key>)': [perProof, await usage(`${prefix}replay:${proof(0)}`)],
    };
    console.log(
      `Redis ${config.display}, ${KEYS} keys of each kind, prefix ${prefix} (${prefix.length} characters)`,
    );
    console.table(
      Object.fromEntries(
        Object.entries(rows).map(([kind, [perKey, sampled]]) => [
          kind,
          {
            'used_memory per key (bytes)': Math.round(perKey),
            'MEMORY USAGE of one key (bytes)': sampled,
            [`MiB per ${KEYS}`]: Number(((perKey * KEYS) / 1_048_576).toFixed(1)),
          },
        ]),
      ),
    );
  } finally {
    await dropKeys(link.client, prefix);
    link.close();
  }
}

await main();
