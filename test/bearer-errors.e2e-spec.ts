import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { expectErrorBody, rawGet, type RawAnswer } from './fixtures/http.js';
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
      expect(response.headers['www-authenticate']).toBe('Bearer realm="api", DPoP algs="RS256 ES256"');
    });

    it.each(['Basic YWxpY2U6c2VjcmV0', 'Token abc'])(
      'treats another scheme (%s) as no credentials',
      async (header) => {
        const response = await api().get('/api/messages').set('Authorization', header);
        expectErrorBody(response, 401);
        expect(response.headers['www-authenticate']).toBe('Bearer realm="api", DPoP algs="RS256 ES256"');
      },
    );
  });

  describe('the Bearer scheme is case-insensitive', () => {
    it.each(['bearer', 'BEARER', 'BeArEr'])('accepts %s', async (scheme) => {
      const response = await api().get('/api/messages').set('Authorization', `${scheme} ${env.token()}`);
      expect(response.status).toBe(200);
    });
  });

  describe('spaces around the token', () => {
    it.each([
      ['two spaces after Bearer', (token: string) => `Bearer  ${token}`],
      ['a leading space', (token: string) => ` Bearer ${token}`],
      ['a trailing space', (token: string) => `Bearer ${token} `],
    ])('accepts %s', async (_case, header) => {
      const response = await api().get('/api/messages').set('Authorization', header(env.token()));
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

    // RFC 6750 2.1: "Bearer" 1*SP b64token. Another whitespace is a malformed Bearer header, not another scheme.
    it.each([
      ['a tab', (token: string) => `Bearer\t${token}`],
      ['a tab, lower-case scheme', (token: string) => `bearer\t${token}`],
      ['a tab then a space', (token: string) => `Bearer\t ${token}`],
      ['a space then a tab', (token: string) => `Bearer \t${token}`],
      ['a no-break space', (token: string) => `Bearer\u00a0${token}`],
    ])('refuses Bearer followed by %s as a malformed header', async (_case, header) => {
      const token = env.token();
      const response = await api().get('/api/messages').set('Authorization', header(token));
      expectErrorBody(response, 400, token);
      expect(response.headers['www-authenticate']).toMatch(invalidRequest);
      expect(response.headers['www-authenticate']).toMatch(/malformed Authorization header/);
    });
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

describe('more than one Authorization header (raw HTTP)', () => {
  let env: OktaTestEnv;
  let port: number;
  let addresses = 0;
  const invalidRequest = /^Bearer realm="api", error="invalid_request", error_description="[^"]+"$/;

  function expectInvalidRequest(answer: RawAnswer, token: string): void {
    expect(answer.status).toBe(400);
    expect(answer.headers['www-authenticate']).toMatch(invalidRequest);
    expect(answer.headers['www-authenticate']).toMatch(/malformed Authorization header/);
    expect(JSON.parse(answer.body)).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.stringMatching(/Authorization/),
    });
    expect(answer.body).not.toContain(token);
  }

  beforeAll(async () => {
    env = await startOktaTestEnv({ RATE_LIMIT_REFUSED_PER_ADDRESS: '3' });
    await env.api.app.listen(0, '127.0.0.1');
    ({ port } = env.api.server.address() as AddressInfo);
  });
  afterAll(() => env.close());

  it('accepts one Authorization header next to look-alikes', async () => {
    const token = env.token();
    const answer = await rawGet(port, {
      headers: [
        `Authorization: Bearer ${token}`,
        'Proxy-Authorization: Basic YTpi',
        'X-Authorization: Basic YTpi',
        'Authorizations: Basic YTpi',
      ],
    });
    expect(answer.status).toBe(200);
  });

  it.each([
    [
      'a valid Bearer then Basic',
      (token: string) => [`Authorization: Bearer ${token}`, 'Authorization: Basic YTpi'],
    ],
    [
      'Basic then a valid Bearer',
      (token: string) => ['AUTHORIZATION: Basic YTpi', `authorization: Bearer ${token}`],
    ],
    [
      'the same valid Bearer twice',
      (token: string) => [`Authorization: Bearer ${token}`, `aUtHoRiZaTiOn: Bearer ${token}`],
    ],
    [
      'a valid Bearer then an empty one',
      (token: string) => [`Authorization: Bearer ${token}`, 'Authorization:'],
    ],
  ])('refuses %s as a malformed request', async (_case, lines) => {
    const token = env.token();
    // An address of its own: the refusals of the other cases do not add up to a 429 here.
    const address = `127.5.0.${(addresses += 1)}`;
    expectInvalidRequest(await rawGet(port, { headers: lines(token), localAddress: address }), token);
  });

  it('counts each one against the address, like any malformed header', async () => {
    const token = env.token();
    const twice = [`Authorization: Bearer ${token}`, 'Authorization: Basic YTpi'];
    for (let i = 0; i < 3; i++)
      expectInvalidRequest(await rawGet(port, { headers: twice, localAddress: '127.6.0.1' }), token);
    const answer = await rawGet(port, {
      headers: [`Authorization: Bearer ${token}`],
      localAddress: '127.6.0.1',
    });
    expect(answer.status).toBe(429);
    expect(
      (await rawGet(port, { headers: [`Authorization: Bearer ${token}`], localAddress: '127.6.0.2' })).status,
    ).toBe(200);
  });
});
