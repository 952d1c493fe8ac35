import request from 'supertest';
import { MetricsServer } from '../src/metrics/metrics.server.js';
import { sample, scrape } from './fixtures/metrics.js';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';

const TWO_FACTOR = 'urn:okta:loa:2fa:any';
const PASSWORD = 'urn:okta:loa:1fa:pwd';
const ADMIN = { sub: 'admin@example.com', groups: ['Everyone', 'Admins'] };
const ALICE = { sub: 'alice@example.com' };
const now = () => Math.floor(Date.now() / 1000);
const CHALLENGE_START = 'Bearer realm="api", error="insufficient_user_authentication", error_description="';

interface Message {
  id: string;
}

/** The app with the given step-up settings, and helpers that call it with a token of these claims. */
function withApp(settings: Record<string, string>) {
  const ctx = {} as { env: OktaTestEnv };
  beforeAll(async () => {
    ctx.env = await startOktaTestEnv(settings);
  });
  afterAll(() => ctx.env.close());
  const call = (method: 'get' | 'delete', path: string, claims: Record<string, unknown>) =>
    request(ctx.env.api.server)
      [method](path)
      .set('Authorization', `Bearer ${ctx.env.token({ claims })}`);
  const create = async (claims: Record<string, unknown>, text = 'hello') =>
    (
      await request(ctx.env.api.server)
        .post('/api/messages')
        .set('Authorization', `Bearer ${ctx.env.token({ claims })}`)
        .send({ text })
        .expect(201)
    ).body as Message;
  return { ctx, call, create };
}

describe('step-up for admin actions (RFC 9470)', () => {
  describe('with ADMIN_ACR_VALUES and ADMIN_MAX_AGE', () => {
    const { ctx, call, create } = withApp({
      ADMIN_ACR_VALUES: `${TWO_FACTOR},urn:example:hw`,
      ADMIN_MAX_AGE: '300',
    });
    const strong = () => ({ ...ADMIN, acr: TWO_FACTOR, auth_time: now() - 10 });
    const tail = `", acr_values="${TWO_FACTOR} urn:example:hw", max_age="300"`;

    // A numeric auth_time below is an offset from now.
    it.each([
      ['acr is missing', { auth_time: 0 }, 'this action needs a stronger sign-in (no acr)'],
      [
        'acr is not in the list',
        { acr: PASSWORD },
        'this action needs a stronger sign-in (acr not accepted)',
      ],
      ['auth_time is missing', { acr: TWO_FACTOR }, 'this action needs a recent sign-in (no auth_time)'],
      [
        'auth_time is not a number',
        { acr: TWO_FACTOR, auth_time: String(now()) },
        'this action needs a recent sign-in (no auth_time)',
      ],
      [
        'auth_time is too old',
        { acr: TWO_FACTOR, auth_time: -400 },
        'this action needs a sign-in within the last 300 seconds',
      ],
    ] as [string, Record<string, unknown>, string][])(
      'challenges GET /api/admin/messages when %s, naming both requirements',
      async (_, claims, description) => {
        const authTime = typeof claims.auth_time === 'number' ? { auth_time: now() + claims.auth_time } : {};
        const response = await call('get', '/api/admin/messages', {
          ...ADMIN,
          ...claims,
          ...authTime,
        }).expect(401);
        expect(response.headers['www-authenticate']).toBe(`${CHALLENGE_START}${description}${tail}`);
        expect(response.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: description });
      },
    );

    it('lets an admin through with an accepted acr and a recent sign-in, within the clock tolerance', async () => {
      await call('get', '/api/admin/messages', strong()).expect(200);
      await call('get', '/api/admin/messages', {
        ...ADMIN,
        acr: 'urn:example:hw',
        auth_time: now() - 320,
      }).expect(200);
    });

    it('never challenges the caller for their own messages', async () => {
      const weak = { ...ADMIN, acr: PASSWORD, auth_time: now() - 86_400 };
      const own = await create(weak);
      await call('get', '/api/messages', weak).expect(200);
      await call('get', `/api/messages/${own.id}`, weak).expect(200);
      await call('delete', `/api/messages/${own.id}`, weak).expect(204);
      const alices = await create(ALICE);
      await call('get', `/api/messages/${alices.id}`, ALICE).expect(200);
      await call('delete', `/api/messages/${alices.id}`, ALICE).expect(204);
    });

    it("challenges an admin reading or deleting another author's message, and deletes nothing", async () => {
      const message = await create(ALICE);
      for (const method of ['get', 'delete'] as const) {
        const response = await call(method, `/api/messages/${message.id}`, {
          ...ADMIN,
          auth_time: now(),
        }).expect(401);
        expect(response.headers['www-authenticate']).toBe(
          `${CHALLENGE_START}this action needs a stronger sign-in (no acr)${tail}`,
        );
      }
      await call('get', `/api/messages/${message.id}`, ALICE).expect(200);
      await call('get', `/api/messages/${message.id}`, strong()).expect(200);
      await call('delete', `/api/messages/${message.id}`, strong()).expect(204);
      await call('get', `/api/messages/${message.id}`, ALICE).expect(404);
    });

    it('does not challenge those whom a second factor would not make admins', async () => {
      const message = await create(ALICE);
      await call('get', `/api/messages/${message.id}`, { sub: 'mallory@example.com' }).expect(404);
      await call('delete', `/api/messages/${message.id}`, { sub: 'mallory@example.com' }).expect(404);
      await call('get', '/api/admin/messages', { sub: 'mallory@example.com' }).expect(403);
    });

    it('reports acr and auth_time in GET /api/me, also when the token comes from the verified-token cache', async () => {
      const claims = strong();
      const token = ctx.env.token({ claims });
      for (let i = 0; i < 2; i += 1) {
        const me = await request(ctx.env.api.server)
          .get('/api/me')
          .set('Authorization', `Bearer ${token}`)
          .expect(200);
        expect(me.body).toMatchObject({ acr: TWO_FACTOR, auth_time: claims.auth_time, isAdmin: true });
      }
      const plain = await call('get', '/api/me', ALICE).expect(200);
      expect(plain.body).toMatchObject({ acr: null, auth_time: null });
      await call('get', '/api/admin/messages', claims).expect(200);
    });

    it('counts challenges by reason', async () => {
      const url = ctx.env.api.app.get(MetricsServer).url!;
      const count = async () =>
        sample(await scrape(url), 'step_up_challenges_total', { reason: 'acr_not_accepted' }) ?? 0;
      const before = await count();
      await call('get', '/api/admin/messages', { ...ADMIN, acr: PASSWORD }).expect(401);
      expect(await count()).toBe(before + 1);
    });
  });

  describe('with ADMIN_ACR_VALUES only', () => {
    const { call } = withApp({ ADMIN_ACR_VALUES: TWO_FACTOR });

    it('names acr_values alone and ignores auth_time', async () => {
      const response = await call('get', '/api/admin/messages', ADMIN).expect(401);
      expect(response.headers['www-authenticate']).toBe(
        `${CHALLENGE_START}this action needs a stronger sign-in (no acr)", acr_values="${TWO_FACTOR}"`,
      );
      await call('get', '/api/admin/messages', { ...ADMIN, acr: TWO_FACTOR }).expect(200);
    });
  });

  describe('with ADMIN_MAX_AGE only', () => {
    const { call } = withApp({ ADMIN_MAX_AGE: '60', OKTA_CLOCK_TOLERANCE: '0' });

    it('names max_age alone and ignores acr', async () => {
      const response = await call('get', '/api/admin/messages', { ...ADMIN, auth_time: now() - 120 }).expect(
        401,
      );
      expect(response.headers['www-authenticate']).toBe(
        `${CHALLENGE_START}this action needs a sign-in within the last 60 seconds", max_age="60"`,
      );
      await call('get', '/api/admin/messages', { ...ADMIN, auth_time: now() - 5 }).expect(200);
    });
  });
});
