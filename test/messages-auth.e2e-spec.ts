import request from 'supertest';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';

interface Message {
  id: string;
  text: string;
  author: string;
}
interface Page {
  messages: Message[];
  nextCursor: string | null;
}

const READ = 'messages:read';
const WRITE = 'messages:write';
const ADMIN = { sub: 'admin@example.com', groups: ['Everyone', 'Admins'] };

describe('messages: scopes, groups and admins', () => {
  let env: OktaTestEnv;
  const bearer = (claims: Record<string, unknown>) => `Bearer ${env.token({ claims })}`;
  const get = (path: string, claims: Record<string, unknown>) =>
    request(env.api.server).get(path).set('Authorization', bearer(claims));
  const create = async (sub: string, text: string) =>
    (
      await request(env.api.server)
        .post('/api/messages')
        .set('Authorization', bearer({ sub }))
        .send({ text })
        .expect(201)
    ).body as Message;

  /** Every message the admin listing returns for `query`, following nextCursor. */
  async function adminAll(query: Record<string, string | number>): Promise<Message[]> {
    const all: Message[] = [];
    let cursor: string | null = null;
    do {
      const response = await request(env.api.server)
        .get('/api/admin/messages')
        .query(cursor ? { ...query, cursor } : query)
        .set('Authorization', bearer(ADMIN))
        .expect(200);
      const page = response.body as Page;
      all.push(...page.messages);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return all;
  }

  beforeAll(async () => {
    env = await startOktaTestEnv();
  });
  afterAll(async () => {
    await env.close();
  });

  describe('scopes', () => {
    it('refuses POST with messages:read only: 403 insufficient_scope naming messages:write', async () => {
      const response = await request(env.api.server)
        .post('/api/messages')
        .set('Authorization', bearer({ scp: [READ] }))
        .send({ text: 'hi' })
        .expect(403);
      expect(response.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="insufficient_scope", scope="messages:write"',
      );
      expect(response.body).toEqual({ statusCode: 403, error: 'Forbidden', message: expect.any(String) });
    });

    it('refuses GET and GET /:id with messages:write only', async () => {
      const message = await create('scoped@example.com', 'x');
      const claims = { sub: 'scoped@example.com', scp: [WRITE] };
      for (const path of ['/api/messages', `/api/messages/${message.id}`]) {
        const response = await get(path, claims).expect(403);
        expect(response.headers['www-authenticate']).toContain('scope="messages:read"');
      }
    });

    it('refuses DELETE with messages:read only and keeps the message', async () => {
      const message = await create('scoped@example.com', 'keep');
      await request(env.api.server)
        .delete(`/api/messages/${message.id}`)
        .set('Authorization', bearer({ sub: 'scoped@example.com', scp: [READ] }))
        .expect(403);
      await get(`/api/messages/${message.id}`, { sub: 'scoped@example.com' }).expect(200);
    });

    it('reads scopes from the RFC 9068 scope string and from an scp string', async () => {
      await get('/api/messages', { scp: undefined, scope: `openid ${READ}` }).expect(200);
      await get('/api/messages', { scp: `profile ${READ}` }).expect(200);
    });

    it('matches scopes exactly and case-sensitively', async () => {
      await get('/api/messages', { scp: ['messages:readx', 'Messages:Read', 'messages'] }).expect(403);
    });
  });

  describe('admin route', () => {
    it('needs a group in ADMIN_GROUPS: 403 naming the groups, without WWW-Authenticate', async () => {
      const response = await get('/api/admin/messages', { groups: ['Everyone', 'admins'] }).expect(403);
      expect(response.headers['www-authenticate']).toBeUndefined();
      expect(response.body).toEqual({ statusCode: 403, error: 'Forbidden', message: expect.any(String) });
      expect(response.body.message).toContain('Admins');
    });

    it('needs messages:read even for an admin: 403 insufficient_scope', async () => {
      const response = await get('/api/admin/messages', { ...ADMIN, scp: [WRITE] }).expect(403);
      expect(response.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="insufficient_scope", scope="messages:read"',
      );
    });

    it.each([
      ['missing', undefined],
      ['a string', 'Admins'],
      ['an object', { Admins: true }],
      ['a number', 1],
      ['null', null],
    ])('treats a groups claim that is %s as no groups', async (_name, groups) => {
      await get('/api/admin/messages', { groups }).expect(403);
      const me = await get('/api/me', { groups, scp: [] }).expect(200);
      expect(me.body.groups).toEqual([]);
      expect(me.body.isAdmin).toBe(false);
    });

    it('shows an admin every author’s messages, filters by author and pages the same way', async () => {
      const mine = await Promise.all([1, 2, 3].map((i) => create('ann@example.com', `ann ${i}`)));
      const theirs = await Promise.all([1, 2].map((i) => create('bob@example.com', `bob ${i}`)));
      const everything = await adminAll({ limit: 2 });
      const ids = everything.map((message) => message.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(expect.arrayContaining([...mine, ...theirs].map((message) => message.id)));
      expect(new Set(everything.map((message) => message.author)).size).toBeGreaterThan(1);

      const ann = await adminAll({ author: 'ann@example.com', limit: 1 });
      expect(ann.map((message) => message.id).sort()).toEqual(mine.map((message) => message.id).sort());
    });

    it('validates the admin query like the user query', async () => {
      for (const query of [
        { limit: 0 },
        { limit: 101 },
        { cursor: 'junk' },
        { author: '' },
        { sort: 'asc' },
      ]) {
        await request(env.api.server)
          .get('/api/admin/messages')
          .query(query)
          .set('Authorization', bearer(ADMIN))
          .expect(400);
      }
    });

    it('lets an admin read and delete another user’s message', async () => {
      const message = await create('carol@example.com', 'moderate me');
      const url = `/api/messages/${message.id}`;
      expect((await get(url, ADMIN).expect(200)).body).toEqual(message);
      await request(env.api.server).delete(url).set('Authorization', bearer(ADMIN)).expect(204);
      await get(url, { sub: 'carol@example.com' }).expect(404);
    });

    it('stores all of 200 concurrent POSTs', async () => {
      const sub = 'burst@example.com';
      const auth = bearer({ sub });
      const responses = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          request(env.api.server)
            .post('/api/messages')
            .set('Authorization', auth)
            .send({ text: `burst ${i}` }),
        ),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(200).fill(201));
      const stored = await adminAll({ author: sub, limit: 100 });
      expect(stored).toHaveLength(200);
      expect(new Set(stored.map((message) => message.text)).size).toBe(200);
    });
  });

  describe('GET /api/me', () => {
    it('describes the caller for any valid token, without any scope', async () => {
      const token = env.token({ claims: { scp: undefined, groups: ['Everyone', 'Admins'] } });
      const response = await request(env.api.server).get('/api/me').set('Authorization', `Bearer ${token}`);
      expect(response.status).toBe(200);
      const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number };
      expect(response.body).toEqual({
        site: 'default',
        sub: 'alice@example.com',
        uid: '00u1abcdEFGHijkl2345',
        cid: '0oa-test-spa',
        scopes: [],
        groups: ['Everyone', 'Admins'],
        isAdmin: true,
        expiresAt: new Date(payload.exp * 1000).toISOString(),
        acr: null,
        auth_time: null,
      });
    });

    it('answers null uid and cid when the token has none', async () => {
      const response = await get('/api/me', { uid: undefined, cid: undefined }).expect(200);
      expect(response.body).toMatchObject({ uid: null, cid: null, isAdmin: false });
    });
  });

  describe('CORS and health', () => {
    it('allows a preflight from http://localhost:8080 with the Authorization header', async () => {
      const response = await request(env.api.server)
        .options('/api/messages')
        .set('Origin', 'http://localhost:8080')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(response.status).toBeLessThan(300);
      expect(response.headers['access-control-allow-origin']).toBe('http://localhost:8080');
      expect(response.headers['access-control-allow-headers']).toMatch(/authorization/i);
      expect(response.headers['access-control-allow-methods']).toMatch(/POST/);
    });

    it('adds the allowed origin to actual responses, errors included', async () => {
      const response = await request(env.api.server)
        .get('/api/messages')
        .set('Origin', 'http://localhost:8080');
      expect(response.status).toBe(401);
      expect(response.headers['access-control-allow-origin']).toBe('http://localhost:8080');
      expect(response.headers.vary).toMatch(/origin/i);
    });

    it('adds it to unknown routes and to bodies refused before any guard runs', async () => {
      const token = env.token();
      const post = (contentType: string, body: string) =>
        request(env.api.server)
          .post('/api/messages')
          .set('Origin', 'http://localhost:8080')
          .set('Authorization', `Bearer ${token}`)
          .set('Content-Type', contentType)
          .send(body);
      const responses = [
        await request(env.api.server).get('/api/nowhere').set('Origin', 'http://localhost:8080'),
        await post('application/json', '{"text": '),
        await post('application/xml', '<text>hi</text>'),
      ];
      expect(responses.map((response) => response.status)).toEqual([404, 400, 415]);
      for (const response of responses) {
        expect(response.headers['access-control-allow-origin']).toBe('http://localhost:8080');
        expect(response.headers['access-control-expose-headers']).toMatch(/WWW-Authenticate/);
      }
    });

    it('gives a disallowed origin no Access-Control-Allow-Origin', async () => {
      for (const origin of ['https://evil.example.com', 'http://localhost:8081', 'null']) {
        const response = await request(env.api.server)
          .options('/api/messages')
          .set('Origin', origin)
          .set('Access-Control-Request-Method', 'GET')
          .set('Access-Control-Request-Headers', 'authorization');
        expect(response.headers['access-control-allow-origin']).toBeUndefined();
      }
    });

    it.each([['/health/live'], ['/health/ready']])('serves %s without a token', async (path) => {
      const response = await request(env.api.server).get(path).expect(200);
      expect(response.body.status).toBe('ok');
    });

    it('keeps /api behind the token guard', async () => {
      const response = await request(env.api.server).get('/api/messages').expect(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="api", DPoP algs="RS256 ES256"');
    });
  });
});

describe('messages: configured ADMIN_GROUPS, OKTA_GROUPS_CLAIM and CORS_ORIGINS', () => {
  let env: OktaTestEnv;
  const get = (path: string, claims: Record<string, unknown>) =>
    request(env.api.server)
      .get(path)
      .set('Authorization', `Bearer ${env.token({ claims })}`);

  beforeAll(async () => {
    env = await startOktaTestEnv({
      ADMIN_GROUPS: 'Ops',
      OKTA_GROUPS_CLAIM: 'okta_groups',
      CORS_ORIGINS: 'https://app.example.com',
    });
  });
  afterAll(async () => {
    await env.close();
  });

  it('makes members of the configured group admins, and no longer Admins', async () => {
    await get('/api/admin/messages', { groups: undefined, okta_groups: ['Ops'] }).expect(200);
    const response = await get('/api/admin/messages', { groups: undefined, okta_groups: ['Admins'] }).expect(
      403,
    );
    expect(response.body.message).toContain('Ops');
    expect(response.body.message).not.toContain('Admins');
  });

  it('reads groups from the configured claim only', async () => {
    await get('/api/admin/messages', { groups: ['Ops'], okta_groups: undefined }).expect(403);
    const me = await get('/api/me', { groups: ['Ops'], okta_groups: ['Ops', 'Everyone'] }).expect(200);
    expect(me.body).toMatchObject({ groups: ['Ops', 'Everyone'], isAdmin: true });
  });

  it('lets a configured-group admin read another user’s message', async () => {
    const created = await request(env.api.server)
      .post('/api/messages')
      .set('Authorization', `Bearer ${env.token({ claims: { sub: 'dave@example.com' } })}`)
      .send({ text: 'hi' })
      .expect(201);
    await get(`/api/messages/${created.body.id}`, { okta_groups: ['Ops'] }).expect(200);
    await get(`/api/messages/${created.body.id}`, { groups: ['Admins'] }).expect(404);
  });

  it('honours CORS_ORIGINS instead of the default origin', async () => {
    const preflight = (origin: string) =>
      request(env.api.server)
        .options('/api/messages')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'GET')
        .set('Access-Control-Request-Headers', 'authorization');
    expect((await preflight('https://app.example.com')).headers['access-control-allow-origin']).toBe(
      'https://app.example.com',
    );
    expect((await preflight('http://localhost:8080')).headers['access-control-allow-origin']).toBeUndefined();
  });
});
