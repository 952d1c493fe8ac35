import request from 'supertest';
import { expectErrorBody } from './fixtures/http.js';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';

/** The contract's "Errors (RFC 6750)" table, row by row, over HTTP. */
describe('RFC 6750 errors', () => {
  let env: OktaTestEnv;
  const api = () => request(env.api.server);

  beforeAll(async () => {
    env = await startOktaTestEnv();
  });
  afterAll(() => env.close());

  describe('401 without an error code when there are no credentials', () => {
    it('answers a request with no Authorization header', async () => {
      const response = await api().get('/api/messages');
      expectErrorBody(response, 401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="api"');
    });

    it.each(['Basic YWxpY2U6c2VjcmV0', 'Token abc', 'DPoP abc'])(
      'treats another scheme (%s) as no credentials',
      async (header) => {
        const response = await api().get('/api/messages').set('Authorization', header);
        expectErrorBody(response, 401);
        expect(response.headers['www-authenticate']).toBe('Bearer realm="api"');
      },
    );
  });

  describe('the Bearer scheme is case-insensitive', () => {
    it.each(['bearer', 'BEARER', 'BeArEr'])('accepts %s', async (scheme) => {
      const response = await api().get('/api/messages').set('Authorization', `${scheme} ${env.token()}`);
      expect(response.status).toBe(200);
    });
  });

  describe('400 invalid_request', () => {
    const invalidRequest = /^Bearer realm="api", error="invalid_request", error_description="[^"]+"$/;

    it('refuses a token in the query string, even next to a valid header', async () => {
      const token = env.token();
      const response = await api()
        .get(`/api/messages?access_token=${token}`)
        .set('Authorization', `Bearer ${token}`);
      expectErrorBody(response, 400, token);
      expect(response.headers['www-authenticate']).toMatch(invalidRequest);
    });

    it('refuses a token in the query string alone', async () => {
      const token = env.token();
      const response = await api().get(`/api/messages?access_token=${token}`);
      expectErrorBody(response, 400, token);
      expect(response.headers['www-authenticate']).toMatch(invalidRequest);
    });

    it('refuses a token in a JSON body', async () => {
      const token = env.token();
      const response = await api().post('/api/messages').send({ access_token: token, text: 'hi' });
      expectErrorBody(response, 400, token);
      expect(response.headers['www-authenticate']).toMatch(invalidRequest);
    });

    it('refuses a token in a form-encoded body (RFC 6750 2.2)', async () => {
      const token = env.token();
      const response = await api().post('/api/messages').type('form').send(`access_token=${token}&text=hi`);
      expectErrorBody(response, 400, token);
      expect(response.headers['www-authenticate']).toMatch(invalidRequest);
    });

    it.each(['Bearer', 'Bearer ', 'Bearer two tokens', 'Bearer tok"en', 'Bearer tok,en'])(
      'refuses the malformed header %j',
      async (header) => {
        const response = await api().get('/api/messages').set('Authorization', header);
        expectErrorBody(response, 400);
        expect(response.headers['www-authenticate']).toMatch(invalidRequest);
      },
    );
  });

  describe('403 insufficient_scope', () => {
    it('names the scope a read needs', async () => {
      const token = env.token({ claims: { scp: ['messages:write'] } });
      const response = await api().get('/api/messages').set('Authorization', `Bearer ${token}`);
      expectErrorBody(response, 403, token);
      expect(response.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="insufficient_scope", scope="messages:read"',
      );
    });

    it('names the scope a write needs', async () => {
      const token = env.token({ claims: { scp: ['messages:read'] } });
      const response = await api()
        .post('/api/messages')
        .set('Authorization', `Bearer ${token}`)
        .send({ text: 'hi' });
      expectErrorBody(response, 403, token);
      expect(response.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="insufficient_scope", scope="messages:write"',
      );
    });

    it('checks the scope before the group on admin routes', async () => {
      const token = env.token({ claims: { scp: [], groups: ['Admins'] } });
      const response = await api().get('/api/admin/messages').set('Authorization', `Bearer ${token}`);
      expect(response.status).toBe(403);
      expect(response.headers['www-authenticate']).toMatch(/insufficient_scope/);
    });
  });

  describe('403 for a missing group', () => {
    it('has no challenge header and says which groups would do', async () => {
      const token = env.token({ claims: { groups: ['Everyone', 'admins'] } });
      const response = await api().get('/api/admin/messages').set('Authorization', `Bearer ${token}`);
      expectErrorBody(response, 403, token);
      expect(response.headers['www-authenticate']).toBeUndefined();
      expect((response.body as { message: string }).message).toContain('Admins');
    });
  });

  describe('400 for an invalid body or query', () => {
    it('names each bad field and sends no challenge', async () => {
      const token = env.token();
      const response = await api()
        .post('/api/messages')
        .set('Authorization', `Bearer ${token}`)
        .send({ text: '   ', color: 'red' });
      expectErrorBody(response, 400, token);
      expect(response.headers['www-authenticate']).toBeUndefined();
      const { message } = response.body as { message: string };
      expect(message).toContain('text');
      expect(message).toContain('color');
    });
  });
});
