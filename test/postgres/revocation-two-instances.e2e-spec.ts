import { startApiProcess, type ApiProcess } from '../fixtures/api-process.js';
import { JwksServer } from '../fixtures/jwks-server.js';
import { generateTestKey } from '../fixtures/keys.js';
import { eventBatch, HOOK_SECRET, oktaEvent } from '../fixtures/okta-events.js';
import { createPostgresDatabase, type TestDatabase } from '../fixtures/test-database.js';
import { signAccessToken } from '../fixtures/tokens.js';

/** The contract: a revocation reaches every instance within 5 s. */
const SPREAD_BOUND_MS = 5000;

/**
 * Two API processes on one PostgreSQL database and no shared notice bus (no REDIS_URL): each
 * learns of the other's revocations only through the database, which must be enough.
 */
describe('revocations across two API processes on one PostgreSQL database', () => {
  const key = generateTestKey();
  const jwks = new JwksServer([key]);
  let database: TestDatabase;
  let issuer: string;
  let instances: ApiProcess[] = [];
  const env = () => ({
    OKTA_ISSUER: issuer,
    DATABASE_URL: database.url,
    OKTA_EVENT_HOOK_SECRET: HOOK_SECRET,
  });

  beforeAll(async () => {
    issuer = await jwks.start();
    database = await createPostgresDatabase();
    instances = await Promise.all([1, 2].map(() => startApiProcess(env())));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(instances.map((api) => api.stop()));
    await jwks.stop();
    await database.drop();
  });

  const token = (uid: string, iat: number) =>
    signAccessToken({ issuer, key, claims: { uid, sub: `${uid}@example.com`, iat, exp: iat + 3600 } });
  const status = async (api: ApiProcess, bearer: string) =>
    (await fetch(`${api.url}/api/me`, { headers: { Authorization: `Bearer ${bearer}` } })).status;
  const deliver = async (api: ApiProcess, events: object[]) => {
    const response = await fetch(`${api.url}/hooks/okta`, {
      method: 'POST',
      headers: { Authorization: HOOK_SECRET, 'Content-Type': 'application/json' },
      body: JSON.stringify(eventBatch(events)),
    });
    expect(response.status).toBe(200);
    return Date.now();
  };
  /** How long after `since` the instance first answered `expected`; fails past the bound. */
  async function answersWithin(api: ApiProcess, bearer: string, expected: number, since: number) {
    for (;;) {
      const got = await status(api, bearer);
      const elapsed = Date.now() - since;
      if (got === expected) return elapsed;
      if (elapsed > SPREAD_BOUND_MS) throw new Error(`still ${got} after ${elapsed} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('refuses a deactivated user token, cached on both, on the other instance within 5 s', async () => {
    const [a, b] = instances;
    const now = Math.floor(Date.now() / 1000);
    const bearer = token('00uTWOINSTANCES0001', now - 60);
    for (const api of [a, b, a, b]) expect(await status(api, bearer)).toBe(200);
    const sent = await deliver(a, [oktaEvent('user.lifecycle.deactivate', '00uTWOINSTANCES0001')]);
    expect(await status(a, bearer)).toBe(401);
    const elapsed = await answersWithin(b, bearer, 401, sent);
    expect(elapsed).toBeLessThanOrEqual(SPREAD_BOUND_MS);

    // Reactivated through B: a token issued after it passes on A too, the old one stays refused.
    const reactivatedAt = await deliver(b, [oktaEvent('user.lifecycle.reactivate', '00uTWOINSTANCES0001')]);
    const fresh = token('00uTWOINSTANCES0001', Math.floor(reactivatedAt / 1000) + 2);
    await answersWithin(a, fresh, 200, reactivatedAt);
    for (const api of [a, b]) expect(await status(api, bearer)).toBe(401);
  });

  it('keeps revocations across a restart of an instance', async () => {
    const now = Math.floor(Date.now() / 1000);
    const bearer = token('00uTWOINSTANCES0002', now - 60);
    await deliver(instances[0], [oktaEvent('user.lifecycle.suspend', '00uTWOINSTANCES0002')]);
    await instances[1].stop();
    instances[1] = await startApiProcess(env());
    expect(await status(instances[1], bearer)).toBe(401);
  });
});
