import request from 'supertest';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';

describe('a POST that fails stores nothing; one that answered 201 is stored', () => {
  let env: OktaTestEnv;

  beforeAll(async () => {
    env = await startOktaTestEnv();
  });

  afterAll(() => env.close());

  const post = () => request(env.api.server).post('/api/messages');
  const bearer = (token: string) => `Bearer ${token}`;

  it('keeps the store unchanged through every kind of refused POST', async () => {
    const refused = [
      await post().send({ text: 'no token' }),
      await post()
        .set('Authorization', bearer(env.token({ claims: { scp: ['messages:read'] } })))
        .send({ text: 'no write scope' }),
      await post()
        .set('Authorization', bearer(env.token({ claims: { exp: Math.floor(Date.now() / 1000) - 3600 } })))
        .send({ text: 'expired token' }),
      await post().set('Authorization', bearer(env.token())).send({ text: '   ' }),
      await post()
        .set('Authorization', bearer(env.token()))
        .send({ text: 'x'.repeat(2001) }),
      await post().set('Authorization', bearer(env.token())).send({ text: 'extra field', author: 'mallory' }),
      await post()
        .set('Authorization', bearer(env.token()))
        .set('Content-Type', 'application/json')
        .send('{"text":'),
    ];
    expect(refused.map((response) => response.status)).toEqual([401, 403, 401, 400, 400, 400, 400]);

    const admin = env.token({ claims: { groups: ['Admins'] } });
    const empty = await request(env.api.server)
      .get('/api/admin/messages')
      .set('Authorization', bearer(admin));
    expect(empty.body).toEqual({ messages: [], nextCursor: null });

    const created = await post().set('Authorization', bearer(env.token())).send({ text: 'the only one' });
    expect(created.status).toBe(201);
    const all = await request(env.api.server).get('/api/admin/messages').set('Authorization', bearer(admin));
    expect(all.body.messages).toEqual([created.body]);
  });
});
