import request from 'supertest';
import { DataSource } from 'typeorm';
import { MetricsServer } from '../src/metrics/metrics.server.js';
import { RevocationStore } from '../src/revocation/revocation-store.service.js';
import { REVOCATION_CHANNEL } from '../src/revocation/revocation-sync.service.js';
import { RevokedUsers } from '../src/revocation/revoked-users.js';
import { Notices } from '../src/shared-state/notices.js';
import { challengeDescription, expectErrorBody } from './fixtures/http.js';
import { JwksServer } from './fixtures/jwks-server.js';
import { generateTestKey } from './fixtures/keys.js';
import { sample, scrape } from './fixtures/metrics.js';
import { eventBatch, HOOK_SECRET, oktaEvent } from './fixtures/okta-events.js';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';
import { createTestApp } from './fixtures/test-app.js';
import { createTestDatabase } from './fixtures/test-database.js';
import { signAccessToken } from './fixtures/tokens.js';

const NOW = () => Math.floor(Date.now() / 1000);
let users = 0;
/** A user of its own per test: revocations are per user and the app is shared. */
const newUser = () => `00u${String(++users).padStart(5, '0')}hookTEST${process.pid}`;

describe('Okta event hooks (/hooks/okta)', () => {
  let env: OktaTestEnv;

  beforeAll(async () => {
    env = await startOktaTestEnv({ OKTA_EVENT_HOOK_SECRET: HOOK_SECRET });
  });
  afterAll(() => env.close());

  const tokenFor = (uid: string, iat = NOW() - 60) =>
    env.token({ claims: { uid, sub: `${uid}@example.com`, iat, exp: iat + 3600 } });
  const me = (token: string) =>
    request(env.api.server).get('/api/me').set('Authorization', `Bearer ${token}`);
  const deliver = (events: object[], authorization: string | null = HOOK_SECRET) => {
    const call = request(env.api.server).post('/hooks/okta').send(eventBatch(events));
    return authorization === null ? call : call.set('Authorization', authorization);
  };
  const storedRows = async () =>
    Number(
      (
        await env.api.app
          .get(DataSource)
          .query<{ n: string | number }[]>('SELECT count(*) AS n FROM revocation_events')
      )[0].n,
    );
  const ago = (seconds: number) => Date.now() - seconds * 1000;

  it('answers the one-time verification with the challenge, only with the secret', async () => {
    const answer = await request(env.api.server)
      .get('/hooks/okta')
      .set('Authorization', HOOK_SECRET)
      .set('X-Okta-Verification-Challenge', 'aoGk3X0qZ-challenge')
      .expect(200);
    expect(answer.body).toEqual({ verification: 'aoGk3X0qZ-challenge' });
    const refused = await request(env.api.server)
      .get('/hooks/okta')
      .set('Authorization', 'not the secret')
      .set('X-Okta-Verification-Challenge', 'aoGk3X0qZ-challenge');
    expectErrorBody(refused, 401);
    expect(refused.text).not.toContain('aoGk3X0qZ');
    const noChallenge = await request(env.api.server).get('/hooks/okta').set('Authorization', HOOK_SECRET);
    expectErrorBody(noChallenge, 400);
  });

  it('refuses a wrong or missing secret with 401 and changes nothing', async () => {
    const uid = newUser();
    const token = tokenFor(uid);
    await me(token).expect(200);
    const before = await storedRows();
    for (const authorization of [
      null,
      '',
      'wrong',
      `Bearer ${HOOK_SECRET}`,
      `${HOOK_SECRET}x`,
      HOOK_SECRET.slice(1),
    ]) {
      const response = await deliver([oktaEvent('user.lifecycle.deactivate', uid)], authorization);
      expectErrorBody(response, 401);
    }
    expect(await storedRows()).toBe(before);
    await me(token).expect(200);
  });

  it('revokes every token of a deactivated user issued before the event, cached ones included', async () => {
    const uid = newUser();
    const token = tokenFor(uid);
    const otherUser = tokenFor(newUser());
    await me(token).expect(200);
    await me(token).expect(200); // now from the verified-token cache
    const answer = await deliver([oktaEvent('user.lifecycle.deactivate', uid)]).expect(200);
    expect(answer.text).toBe('');
    const refused = await me(token);
    expectErrorBody(refused, 401, token);
    expect(refused.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(challengeDescription(refused)).toBe('token revoked');
    // Still deactivated: a token issued since is refused too; other users are untouched.
    await me(tokenFor(uid, NOW())).expect(401);
    await me(otherUser).expect(200);
    const text = await scrape(env.api.app.get(MetricsServer).url!);
    expect(sample(text, 'auth_outcomes_total', { reason: 'token_revoked' })).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'revoked_token_refusals_total', { source: 'event_hook' })).toBeGreaterThanOrEqual(2);
    expect(
      sample(text, 'revocation_events_total', { event_type: 'user.lifecycle.deactivate', outcome: 'stored' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['user.lifecycle.deactivate', 'user.lifecycle.reactivate'],
    ['user.lifecycle.suspend', 'user.lifecycle.unsuspend'],
    ['user.account.lock', 'user.account.unlock'],
    ['user.account.lock', 'user.account.unlock_by_admin'],
  ])('after %s then %s, only tokens issued after the second pass', async (revoking, restoring) => {
    const uid = newUser();
    const before = tokenFor(uid, NOW() - 300);
    const during = tokenFor(uid, NOW() - 150);
    const after = tokenFor(uid, NOW() - 30);
    for (const token of [before, during, after]) await me(token).expect(200);
    await deliver([oktaEvent(revoking, uid, { published: ago(200) })]).expect(200);
    for (const token of [before, during, after]) await me(token).expect(401);
    await deliver([oktaEvent(restoring, uid, { published: ago(100) })]).expect(200);
    await me(before).expect(401);
    await me(during).expect(401);
    await me(after).expect(200);
    await me(tokenFor(uid, NOW())).expect(200);
  });

  it.each(['user.session.clear', 'user.account.reset_password'])(
    '%s ends the tokens issued before it; the user may sign in again at once',
    async (eventType) => {
      const uid = newUser();
      const earlier = tokenFor(uid, NOW() - 120);
      const later = tokenFor(uid, NOW() - 30);
      await deliver([oktaEvent(eventType, uid, { published: ago(60) })]).expect(200);
      await me(earlier).expect(401);
      await me(later).expect(200);
    },
  );

  it('user.lifecycle.delete.initiated ends every token of the user', async () => {
    const uid = newUser();
    await deliver([oktaEvent('user.lifecycle.delete.initiated', uid, { published: ago(60) })]).expect(200);
    await me(tokenFor(uid, NOW() - 120)).expect(401);
    await me(tokenFor(uid, NOW())).expect(401);
  });

  it('stores a repeated delivery once and answers it 200 again', async () => {
    const uid = newUser();
    const rows = await storedRows();
    const event = oktaEvent('user.lifecycle.suspend', uid, { published: ago(30) });
    await deliver([event, event]).expect(200);
    await deliver([event]).expect(200);
    expect(await storedRows()).toBe(rows + 1);
    const text = await scrape(env.api.app.get(MetricsServer).url!);
    expect(
      sample(text, 'revocation_events_total', { event_type: 'user.lifecycle.suspend', outcome: 'duplicate' }),
    ).toBeGreaterThanOrEqual(2);
    await me(tokenFor(uid)).expect(401);
  });

  it('does not let a deactivation delivered after a later reactivation win', async () => {
    const uid = newUser();
    const beforeBoth = tokenFor(uid, NOW() - 300);
    const afterBoth = tokenFor(uid, NOW() - 30);
    // Reactivated 60 s ago, deactivated 120 s ago: Okta delivers them the wrong way round.
    await deliver([oktaEvent('user.lifecycle.reactivate', uid, { published: ago(60) })]).expect(200);
    await deliver([oktaEvent('user.lifecycle.deactivate', uid, { published: ago(120) })]).expect(200);
    await me(afterBoth).expect(200);
    await me(beforeBoth).expect(401);
    // ... and a later deactivation, delivered late too, does win.
    await deliver([oktaEvent('user.lifecycle.deactivate', uid, { published: ago(10) })]).expect(200);
    await me(afterBoth).expect(401);
  });

  it('forgets revocations 24 hours after the event: rows removed, tokens no longer refused', async () => {
    const uid = newUser();
    const token = tokenFor(uid);
    await deliver([oktaEvent('user.account.lock', uid, { published: ago(60) })]).expect(200);
    await me(token).expect(401);
    const rows = await storedRows();
    const dayLater = Date.now() + 24 * 3600 * 1000;
    expect(await env.api.app.get(RevocationStore).removeExpired(dayLater)).toBeGreaterThanOrEqual(1);
    expect(await storedRows()).toBeLessThan(rows);
    env.api.app.get(RevokedUsers).prune(dayLater);
    await me(token).expect(200);
  });

  it('applies revocations another instance publishes as a notice, and drops malformed notices', async () => {
    const uid = newUser();
    const token = tokenFor(uid);
    await me(token).expect(200);
    const notices = env.api.app.get(Notices);
    for (const junk of ['not json', '{}', '[["x"]]', JSON.stringify([[uid, 'explode', Date.now()]])]) {
      await notices.publish(REVOCATION_CHANNEL, junk);
    }
    await me(token).expect(200);
    await notices.publish(REVOCATION_CHANNEL, JSON.stringify([[uid, 'deactivate', Date.now()]]));
    await me(token).expect(401);
  });

  it('acknowledges and ignores event types it does not act on, and events older than 24 hours', async () => {
    const uid = newUser();
    const token = tokenFor(uid);
    const rows = await storedRows();
    await deliver([
      oktaEvent('user.session.start', uid),
      oktaEvent('user.session.end', uid),
      oktaEvent('group.user_membership.add', uid),
      { eventType: 'application.lifecycle.update', note: 'no uuid, no target' },
      oktaEvent('user.lifecycle.deactivate', uid, { published: ago(25 * 3600) }),
    ]).expect(200);
    expect(await storedRows()).toBe(rows);
    await me(token).expect(200);
  });

  const deactivation = (fields: Record<string, unknown>) => ({
    ...(oktaEvent('user.lifecycle.deactivate', '00uMALFORMED') as Record<string, unknown>),
    ...fields,
  });
  it.each([
    ['no data', { events: [] }],
    ['events not a list', { data: { events: {} } }],
    ['an event that is not an object', { data: { events: [42] } }],
    ['an event without eventType', { data: { events: [{ uuid: 'x' }] } }],
    [
      'a published time that is not ISO 8601',
      { data: { events: [deactivation({ published: 'yesterday' })] } },
    ],
    ['no User target', { data: { events: [deactivation({ target: [{ id: 'x', type: 'AppInstance' }] })] } }],
    [
      'a User id that is not an Okta id',
      { data: { events: [oktaEvent('user.lifecycle.deactivate', 'a b"c')] } },
    ],
    ['no uuid', { data: { events: [deactivation({ uuid: undefined })] } }],
  ])('refuses a malformed batch (%s) with 400 and stores none of it', async (_, body) => {
    const uid = newUser();
    const token = tokenFor(uid);
    const rows = await storedRows();
    // A well-formed deactivation first: the whole batch is refused, not only the bad event.
    const events = (body as { data?: { events?: unknown } }).data?.events;
    const sent = Array.isArray(events)
      ? { data: { events: [oktaEvent('user.lifecycle.deactivate', uid), ...(events as unknown[])] } }
      : body;
    const response = await request(env.api.server)
      .post('/hooks/okta')
      .set('Authorization', HOOK_SECRET)
      .send(sent);
    expectErrorBody(response, 400);
    expect(await storedRows()).toBe(rows);
    await me(token).expect(200);
  });

  it('refuses a body that is not JSON with 400 and one of another type with 415', async () => {
    const text = await request(env.api.server)
      .post('/hooks/okta')
      .set('Authorization', HOOK_SECRET)
      .set('Content-Type', 'application/json')
      .send('{"data": ');
    expectErrorBody(text, 400);
    const xml = await request(env.api.server)
      .post('/hooks/okta')
      .set('Authorization', HOOK_SECRET)
      .set('Content-Type', 'application/xml')
      .send('<events/>');
    expectErrorBody(xml, 415);
  });

  it('takes a batch larger than the 16 KiB API body limit, up to 1 MiB', async () => {
    const uids = Array.from({ length: 120 }, newUser);
    const events = uids.map((uid) => oktaEvent('user.session.clear', uid, { published: ago(5) }));
    const body = JSON.stringify(eventBatch(events));
    expect(body.length).toBeGreaterThan(16 * 1024);
    await deliver(events).expect(200);
    await me(tokenFor(uids[119], NOW() - 60)).expect(401);
    const huge = { data: { events: [], padding: 'x'.repeat(1024 * 1024) } };
    const tooLarge = await request(env.api.server)
      .post('/hooks/okta')
      .set('Authorization', HOOK_SECRET)
      .send(huge);
    expectErrorBody(tooLarge, 413);
    // The API's own routes keep their limit.
    const post = await request(env.api.server)
      .post('/api/messages')
      .set('Authorization', `Bearer ${env.token()}`)
      .send({ text: 'x'.repeat(20 * 1024) });
    expectErrorBody(post, 413);
  });
});

describe('Okta event hooks without OKTA_EVENT_HOOK_SECRET', () => {
  let env: OktaTestEnv;

  beforeAll(async () => {
    env = await startOktaTestEnv();
  });
  afterAll(() => env.close());

  it('has no /hooks/okta route at all (404), whatever is sent', async () => {
    for (const path of ['/hooks/okta', '/api/hooks/okta']) {
      const get = await request(env.api.server)
        .get(path)
        .set('Authorization', HOOK_SECRET)
        .set('X-Okta-Verification-Challenge', 'abc');
      expectErrorBody(get, 404);
      const post = await request(env.api.server)
        .post(path)
        .set('Authorization', HOOK_SECRET)
        .send(eventBatch([oktaEvent('user.lifecycle.deactivate', '00uABC')]));
      expectErrorBody(post, 404);
    }
  });
});

describe('revocations after a restart', () => {
  it('still refuses a revoked token after the instance restarts on the same database', async () => {
    const key = generateTestKey();
    const jwks = new JwksServer([key]);
    const issuer = await jwks.start();
    const database = await createTestDatabase();
    const env = { OKTA_ISSUER: issuer, DATABASE_URL: database.url, OKTA_EVENT_HOOK_SECRET: HOOK_SECRET };
    const token = signAccessToken({ issuer, key, claims: { uid: '00uRESTARTED00000001' } });
    try {
      const first = await createTestApp(env);
      await request(first.server)
        .post('/hooks/okta')
        .set('Authorization', HOOK_SECRET)
        .send(eventBatch([oktaEvent('user.account.lock', '00uRESTARTED00000001')]))
        .expect(200);
      await first.close();
      const second = await createTestApp(env);
      try {
        await request(second.server).get('/api/me').set('Authorization', `Bearer ${token}`).expect(401);
      } finally {
        await second.close();
      }
    } finally {
      await database.drop();
      await jwks.stop();
    }
  });
});
