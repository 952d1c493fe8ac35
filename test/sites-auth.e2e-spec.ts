import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { MetricsServer } from '../src/metrics/metrics.server.js';
import { challengeDescription } from './fixtures/http.js';
import { JwksServer } from './fixtures/jwks-server.js';
import { generateTestKey } from './fixtures/keys.js';
import { sample, scrape } from './fixtures/metrics.js';
import {
  sitesFileFor,
  startSitesTestEnv,
  type SiteId,
  type SitesTestEnv,
} from './fixtures/sites-test-env.js';
import { createTestApp } from './fixtures/test-app.js';
import { signAccessToken } from './fixtures/tokens.js';

/** The contract's "Several sites in one deployment": which site a token belongs to, and each issuer's keys. */
describe('several sites: tokens and keys', () => {
  let env: SitesTestEnv;

  beforeAll(async () => {
    env = await startSitesTestEnv();
  });
  afterAll(() => env.close());

  const me = (token: string) =>
    request(env.api.server).get('/api/me').set('Authorization', `Bearer ${token}`);

  it.each<SiteId>(['site-a', 'site-b', 'site-c'])('names the site of a %s token in /api/me', async (site) => {
    const response = await me(env.token(site)).expect(200);
    expect(response.body).toMatchObject({ site, sub: 'alice@example.com' });
  });

  it("makes a site's admin group admin on that site only", async () => {
    const groups = ['site-a admins'];
    expect((await me(env.token('site-a', { claims: { groups } })).expect(200)).body.isAdmin).toBe(true);
    for (const site of ['site-b', 'site-c'] as const) {
      const response = await me(env.token(site, { claims: { groups } })).expect(200);
      expect(response.body).toMatchObject({ site, isAdmin: false });
      await request(env.api.server)
        .get('/api/admin/messages')
        .set('Authorization', `Bearer ${env.token(site, { claims: { groups } })}`)
        .expect(403);
    }
  });

  it('refuses a token from an issuer no site trusts without asking that issuer anything', async () => {
    const rogueKey = generateTestKey();
    const rogue = new JwksServer([rogueKey]);
    const rogueIssuer = await rogue.start();
    try {
      for (const aud of ['api://site-a', 'api://site-b']) {
        const token = signAccessToken({ issuer: rogueIssuer, key: rogueKey, claims: { aud } });
        const response = await me(token).expect(401);
        expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
        expect(challengeDescription(response)).toBe('untrusted issuer');
      }
      expect(rogue.fetchCount).toBe(0);
    } finally {
      await rogue.stop();
    }
  });

  it("refuses a token of one site's issuer for another site's audience", async () => {
    const before = env.issuers['site-b'].jwks.fetchCount;
    // site-b's audience on site-a's server, signed with a key site-b's server does not know either.
    const token = env.token('site-a', { claims: { aud: 'api://site-b' }, key: generateTestKey() });
    expect(challengeDescription(await me(token).expect(401))).toBe('wrong audience');
    expect(env.issuers['site-b'].jwks.fetchCount).toBe(before);
  });

  it('refuses a token whose audiences belong to two sites of one server', async () => {
    const token = env.token('site-a', { claims: { aud: ['api://site-a', 'api://site-c'] } });
    expect(challengeDescription(await me(token).expect(401))).toBe('token is for several sites');
  });

  it("allows each site's browser origins, and no other", async () => {
    for (const origin of [
      'https://site-a.example.com',
      'https://site-b.example.com',
      'https://site-c.example.com',
    ]) {
      const preflight = await request(env.api.server)
        .options('/api/messages')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'POST');
      expect(preflight.headers['access-control-allow-origin']).toBe(origin);
    }
    const other = await request(env.api.server)
      .options('/api/messages')
      .set('Origin', 'http://localhost:8080')
      .set('Access-Control-Request-Method', 'POST');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers a cached token with its own site', async () => {
    const token = env.token('site-b');
    for (let i = 0; i < 3; i += 1) expect((await me(token).expect(200)).body.site).toBe('site-b');
  });

  it('labels metrics with the site', async () => {
    await me(env.token('site-c')).expect(200);
    const text = await scrape(env.api.app.get(MetricsServer).url!);
    expect(sample(text, 'auth_outcomes_total', { outcome: 'accepted', site: 'site-c' })).toBeGreaterThan(0);
    expect(
      sample(text, 'auth_outcomes_total', { reason: 'unknown_issuer', site: '' }),
    ).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'jwks_keys', { issuer: env.issuers['site-b'].jwks.issuer })).toBe(1);
  });

  it("keeps the other site answering 200 while one site's issuer is down, and readiness lists each site", async () => {
    const b = env.issuers['site-b'].jwks;
    b.mode = 'down';
    try {
      // A key site-b's issuer never published: the API must ask it, and cannot.
      const newOnB = env.token('site-b', { key: generateTestKey() });
      expect((await me(newOnB)).status).toBe(503);
      // site-a's issuer publishes a new key meanwhile: its own cooldown, not site-b's, applies.
      const a = env.issuers['site-a'];
      const rotated = generateTestKey();
      a.jwks.publish([a.key, rotated]);
      await me(env.token('site-a', { key: rotated })).expect(200);
      await me(env.token('site-c')).expect(200);
      await request(env.api.server)
        .get('/api/messages')
        .set('Authorization', `Bearer ${env.token('site-a')}`)
        .expect(200);

      const ready = await request(env.api.server).get('/health/ready').expect(200);
      expect(ready.body.details.keys.sites).toMatchObject({
        'site-a': { state: 'up', keyCount: 2 },
        'site-b': { state: 'up', keyCount: 1 },
        'site-c': { state: 'up', keyCount: 2 },
      });
    } finally {
      b.mode = 'up';
    }
  });

  // Last: its unknown kid starts site-a's refetch cooldown.
  it("verifies with the site's issuer's keys only: a site-b key under site-a's issuer is unknown", async () => {
    const token = env.token('site-a', { key: env.issuers['site-b'].key });
    const response = await me(token);
    expect([401, 503]).toContain(response.status);
    expect(response.body.message).not.toMatch(/^bad signature$/);
  });
});

describe('several sites: readiness', () => {
  it("is ready while one site's issuer is down, and 503 only when no site has keys", async () => {
    const [a, b] = [new JwksServer([generateTestKey()]), new JwksServer([generateTestKey()])];
    const [issuerA, issuerB] = [await a.start(), await b.start()];
    b.mode = 'down';
    const dir = mkdtempSync(join(tmpdir(), 'sites-ready-'));
    const file = join(dir, 'sites.json');
    writeFileSync(file, JSON.stringify(sitesFileFor(issuerA, issuerB)));
    const api = await createTestApp({ SITES_FILE: file });
    try {
      const ready = await request(api.server).get('/health/ready').expect(200);
      expect(ready.body.details.keys.sites).toMatchObject({
        'site-a': { state: 'up' },
        'site-b': { state: 'down', keyCount: 0 },
        'site-c': { state: 'up' },
      });
    } finally {
      await api.close();
    }
    a.mode = 'down';
    const none = await createTestApp({ SITES_FILE: file });
    try {
      const ready = await request(none.server).get('/health/ready').expect(503);
      expect(ready.body.message).toBe('not ready: keys down');
      expect(
        Object.values(ready.body.details.keys.sites as object).map((s: { state: string }) => s.state),
      ).toEqual(['down', 'down', 'down']);
    } finally {
      await none.close();
      await a.stop();
      await b.stop();
    }
  });
});

describe('several sites: step-up for admin actions', () => {
  let env: SitesTestEnv;
  const TWO_FACTOR = 'urn:okta:loa:2fa:any';

  beforeAll(async () => {
    // ADMIN_ACR_VALUES is every site's unless the site sets its own.
    env = await startSitesTestEnv(
      { ADMIN_ACR_VALUES: 'urn:example:hardware-key' },
      { 'site-b': { adminAcrValues: [] }, 'site-c': { adminAcrValues: [TWO_FACTOR], adminMaxAge: 300 } },
    );
  });
  afterAll(() => env.close());

  const adminList = (site: SiteId, claims: Record<string, unknown> = {}) =>
    request(env.api.server)
      .get('/api/admin/messages')
      .set(
        'Authorization',
        `Bearer ${env.token(site, { claims: { sub: `admin@${site}`, groups: [`${site} admins`], ...claims } })}`,
      );

  it("asks each site's admins for that site's sign-in strength", async () => {
    const a = await adminList('site-a').expect(401);
    expect(a.headers['www-authenticate']).toContain('error="insufficient_user_authentication"');
    expect(a.headers['www-authenticate']).toContain('acr_values="urn:example:hardware-key"');
    await adminList('site-b').expect(200);
    const c = await adminList('site-c').expect(401);
    expect(c.headers['www-authenticate']).toContain(`acr_values="${TWO_FACTOR}", max_age="300"`);
    const now = Math.floor(Date.now() / 1000);
    await adminList('site-c', { acr: TWO_FACTOR, auth_time: now - 10 }).expect(200);
    await adminList('site-a', { acr: TWO_FACTOR, auth_time: now - 10 }).expect(401);
  });
});
