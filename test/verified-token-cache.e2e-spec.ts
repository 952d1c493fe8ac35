import request from 'supertest';
import { VerifiedTokenCache } from '../src/auth/verified-token.cache.js';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';

/** A token answered from the verified-token cache must meet every rule a fully verified one does. */
describe('GET /api/messages with the verified-token cache', () => {
  let env: OktaTestEnv;
  let cache: VerifiedTokenCache;

  beforeAll(async () => {
    env = await startOktaTestEnv();
    cache = env.api.app.get(VerifiedTokenCache);
  });

  afterAll(() => env.close());

  const get = (path: string, token?: string) => {
    const call = request(env.api.server).get(path);
    return token === undefined ? call : call.set('Authorization', `Bearer ${token}`);
  };

  it('answers the same page from a cached token as from a fully verified one, newest first', async () => {
    const token = env.token({ claims: { sub: 'hot-path-reader@example.com' } });
    for (const text of ['first', 'second', 'third']) {
      await request(env.api.server)
        .post('/api/messages')
        .set('Authorization', `Bearer ${token}`)
        .send({ text })
        .expect(201);
    }
    const hits = cache.hits;
    const first = await get('/api/messages', token).expect(200);
    const second = await get('/api/messages', token).expect(200);
    expect(cache.hits).toBeGreaterThan(hits);
    expect(second.body).toEqual(first.body);
    expect((first.body as { messages: { text: string }[] }).messages.map((m) => m.text)).toEqual([
      'third',
      'second',
      'first',
    ]);
  });

  it('still refuses a missing scope when the token comes from the cache', async () => {
    const token = env.token({ claims: { scp: ['messages:write'] } });
    await get('/api/messages', token).expect(403);
    const hits = cache.hits;
    const response = await get('/api/messages', token).expect(403);
    expect(cache.hits).toBe(hits + 1);
    expect(response.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });

  it('refuses a token in the query string with 400 invalid_request, cached or not', async () => {
    const token = env.token();
    await get('/api/messages', token).expect(200);
    const response = await get(`/api/messages?access_token=${token}`, token).expect(400);
    expect(response.headers['www-authenticate']).toContain('error="invalid_request"');
    expect(response.body).toEqual(expect.objectContaining({ statusCode: 400, error: 'Bad Request' }));
  });

  it('checks the token syntax on every miss: a cached token with anything glued on is a 400', async () => {
    const token = env.token();
    await get('/api/messages', token).expect(200);
    for (const header of [`Bearer ${token} ${token}`, `Bearer ${token},x`, `Bearer "${token}"`]) {
      const response = await request(env.api.server)
        .get('/api/messages')
        .set('Authorization', header)
        .expect(400);
      expect(response.headers['www-authenticate']).toContain('error="invalid_request"');
    }
    const hits = cache.hits;
    await request(env.api.server)
      .get('/api/messages')
      .set('Authorization', `bearer   ${token}  `)
      .expect(200);
    expect(cache.hits).toBe(hits + 1);
  });

  it('refuses a tampered or missing token with 401', async () => {
    const token = env.token();
    await get('/api/messages', token).expect(200);
    const tampered = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const bad = await get('/api/messages', tampered).expect(401);
    expect(bad.headers['www-authenticate']).toContain('error="invalid_token"');
    const none = await get('/api/messages').expect(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="api", DPoP algs="RS256 ES256"');
  });

  it('validates query parameters after many empty queries', async () => {
    const token = env.token();
    for (let i = 0; i < 3; i += 1) await get('/api/messages', token).expect(200);
    const zero = await get('/api/messages?limit=0', token).expect(400);
    expect((zero.body as { message: string }).message).toContain('limit');
    const unknown = await get('/api/messages?sort=asc', token).expect(400);
    expect((unknown.body as { message: string }).message).toContain('sort');
    await get('/api/messages?limit=1', token).expect(200);
  });
});
