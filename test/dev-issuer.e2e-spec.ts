import { createHash, createPublicKey, type JsonWebKey } from 'node:crypto';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import { startDevIssuer, type DevIssuer } from '../src/dev-issuer/dev-issuer.js';
import {
  buildTokenRequest,
  parseAuthTime,
  parseTokenCommand,
  runTokenCommand,
  TokenCommandError,
} from '../src/dev-issuer/token.command.js';

const AUDIENCE = 'api://default';

interface Discovery {
  issuer: string;
  jwks_uri: string;
  token_endpoint: string;
  authorization_endpoint: string;
}
interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
  id_token?: string;
  refresh_token?: string;
}

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

function postForm(url: string, form: Record<string, string>): RequestInit {
  return { method: 'POST', body: new URLSearchParams(form) };
}

describe('development issuer', () => {
  let dev: DevIssuer;
  let jwk: JsonWebKey & { kid: string };

  beforeAll(async () => {
    dev = await startDevIssuer({
      host: '127.0.0.1',
      port: 0,
      audience: AUDIENCE,
    });
    const jwks = await getJson<{ keys: (JsonWebKey & { kid: string })[] }>(`${dev.issuer}/v1/keys`);
    expect(jwks.keys).toHaveLength(1);
    const key = jwks.keys.at(0);
    if (key === undefined) throw new Error('no key in the JWKS');
    jwk = key;
  });

  afterAll(() => dev.stop());

  function verify(token: string): jwt.Jwt & { payload: JwtPayload } {
    const decoded = jwt.verify(token, createPublicKey({ key: jwk, format: 'jwk' }), {
      algorithms: ['RS256'],
      issuer: dev.issuer,
      audience: AUDIENCE,
      complete: true,
    });
    if (typeof decoded.payload === 'string') throw new Error('string payload');
    return { ...decoded, payload: decoded.payload };
  }

  it('looks like an Okta custom authorization server named default', async () => {
    expect(dev.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth2\/default$/);
    expect(dev.issuer).not.toContain(':0/');
    expect(dev.tokenEndpoint).toBe(`${dev.issuer}/v1/token`);

    for (const name of ['openid-configuration', 'oauth-authorization-server']) {
      const doc = await getJson<Discovery>(`${dev.issuer}/.well-known/${name}`);
      expect(doc.issuer).toBe(dev.issuer);
      expect(doc.jwks_uri).toBe(`${dev.issuer}/v1/keys`);
      expect(doc.token_endpoint).toBe(`${dev.issuer}/v1/token`);
      expect(doc.authorization_endpoint).toBe(`${dev.issuer}/v1/authorize`);
    }
    const origin = new URL(dev.issuer).origin;
    expect((await fetch(`${origin}/.well-known/openid-configuration`)).status).toBe(404);
    expect((await fetch(`${origin}/oauth2/defaultx/v1/keys`)).status).toBe(404);
    expect(jwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwk).not.toHaveProperty('d');
    expect(Buffer.from(jwk.n ?? '', 'base64url')).toHaveLength(256);
  });

  it('issues Okta-shaped client credentials tokens with dev sub and groups', async () => {
    const body = await getJson<TokenResponse>(
      dev.tokenEndpoint,
      postForm(dev.tokenEndpoint, {
        grant_type: 'client_credentials',
        client_id: 'spa-client',
        scope: 'messages:read messages:write',
        sub: 'alice@example.com',
        groups: 'Admins, Editors',
      }),
    );
    expect(body).toEqual({
      access_token: expect.any(String) as unknown,
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'messages:read messages:write',
    });

    const { header, payload } = verify(body.access_token);
    expect(header).toEqual({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' });
    expect(payload).toEqual({
      ver: 1,
      jti: expect.stringMatching(/^AT\./) as unknown,
      iss: dev.issuer,
      aud: AUDIENCE,
      iat: expect.any(Number) as unknown,
      exp: (payload.iat ?? 0) + 3600,
      cid: 'spa-client',
      uid: expect.stringMatching(/^00u[0-9A-Za-z]{17}$/) as unknown,
      scp: ['messages:read', 'messages:write'],
      sub: 'alice@example.com',
      groups: ['Admins', 'Editors'],
    });
    expect(payload).not.toHaveProperty('scope');
  });

  it('defaults sub to the client id and keeps uid stable per sub', async () => {
    const form = { grant_type: 'client_credentials', scope: 'messages:read' };
    const first = await getJson<TokenResponse>(dev.tokenEndpoint, postForm(dev.tokenEndpoint, form));
    const second = await getJson<TokenResponse>(dev.tokenEndpoint, postForm(dev.tokenEndpoint, form));
    const a = verify(first.access_token).payload;
    const b = verify(second.access_token).payload;
    expect(a).toMatchObject({
      cid: 'dev-client',
      sub: 'dev-client',
      groups: [],
    });
    expect(a.uid).toBe(b.uid);
    expect(a.jti).not.toBe(b.jti);
  });

  it('gives authorization code + PKCE tokens the same Okta shape', async () => {
    const verifier = 'v'.repeat(43);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = new URL(`${dev.issuer}/v1/authorize`);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: 'spa-client',
      redirect_uri: 'http://localhost:3000/callback',
      scope: 'openid messages:read',
      login_hint: 'bob@example.com',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    const redirect = await fetch(authorize, { redirect: 'manual' });
    const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code');
    expect(code).toBeTruthy();

    const body = await getJson<TokenResponse>(
      dev.tokenEndpoint,
      postForm(dev.tokenEndpoint, {
        grant_type: 'authorization_code',
        client_id: 'spa-client',
        code: code ?? '',
        code_verifier: verifier,
        redirect_uri: 'http://localhost:3000/callback',
      }),
    );
    expect(body.scope).toBe('openid messages:read');
    const { header, payload } = verify(body.access_token);
    expect(header.typ).toBe('JWT');
    expect(payload).toMatchObject({
      ver: 1,
      cid: 'spa-client',
      sub: 'bob@example.com',
      scp: ['openid', 'messages:read'],
    });
    expect(payload).not.toHaveProperty('scope');
  });

  it('asks who signs in before redirecting a browser back with a code, carrying the request through', async () => {
    const authorize = new URL(`${dev.issuer}/v1/authorize`);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: 'dev-client',
      redirect_uri: 'http://127.0.0.1:8000/api/oauth2-redirect.html',
      scope: 'messages:read',
      state: '"><script>alert(1)</script>',
    }).toString();
    const page = await fetch(authorize, { redirect: 'manual' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('never exists in production');
    expect(html).toContain(
      '<input type="hidden" name="redirect_uri" value="http://127.0.0.1:8000/api/oauth2-redirect.html">',
    );
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).not.toContain('<script>');
  });

  it('puts the groups chosen on the sign-in page into the code flow token', async () => {
    const verifier = 'w'.repeat(43);
    const authorize = new URL(`${dev.issuer}/v1/authorize`);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: 'dev-client',
      redirect_uri: 'http://127.0.0.1:8000/api/docs/oauth2-redirect.html',
      scope: 'messages:read',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      login_hint: ' ada@example.com ',
      groups: 'Admins,Ops',
    }).toString();
    const redirect = await fetch(authorize, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const body = await getJson<TokenResponse>(
      dev.tokenEndpoint,
      postForm(dev.tokenEndpoint, {
        grant_type: 'authorization_code',
        client_id: 'dev-client',
        code,
        code_verifier: verifier,
        redirect_uri: 'http://127.0.0.1:8000/api/docs/oauth2-redirect.html',
      }),
    );
    expect(verify(body.access_token).payload).toMatchObject({
      sub: 'ada@example.com',
      groups: ['Admins', 'Ops'],
      scp: ['messages:read'],
    });
  });

  describe('token command', () => {
    it('parses defaults from the environment', () => {
      expect(parseTokenCommand([], {})).toEqual({
        kind: 'token',
        options: {
          issuer: 'http://127.0.0.1:8001/oauth2/default',
          sub: 'dev-user@example.com',
          scopes: ['messages:read', 'messages:write'],
          groups: [],
          clientId: 'dev-client',
        },
      });
      const fromEnv = parseTokenCommand([], {
        HOST: '::1',
        DEV_ISSUER_PORT: '9001',
      });
      expect(fromEnv).toMatchObject({
        options: { issuer: 'http://[::1]:9001/oauth2/default' },
      });
      expect(parseTokenCommand(['--help'], {})).toEqual({ kind: 'help' });
    });

    it('builds the client credentials form', () => {
      const command = parseTokenCommand(
        [
          '--sub',
          'alice@example.com',
          '--scopes',
          'messages:read, messages:write',
          '--groups',
          'Admins',
          '--client-id',
          'cli',
          '--issuer',
          'http://127.0.0.1:1/oauth2/default/',
        ],
        {},
      );
      if (command.kind !== 'token') throw new Error('expected a token command');
      const request = buildTokenRequest(command.options);
      expect(request.url).toBe('http://127.0.0.1:1/oauth2/default/v1/token');
      expect(Object.fromEntries(request.body)).toEqual({
        grant_type: 'client_credentials',
        client_id: 'cli',
        scope: 'messages:read messages:write',
        sub: 'alice@example.com',
        groups: 'Admins',
      });
    });

    it('passes --acr and --auth-time on as acr and auth_time, and the issuer puts them in the token', async () => {
      const command = parseTokenCommand(
        ['--issuer', dev.issuer, '--acr', 'urn:okta:loa:2fa:any', '--auth-time', '1700000000'],
        {},
      );
      if (command.kind !== 'token') throw new Error('expected a token command');
      expect(command.options).toMatchObject({ acr: 'urn:okta:loa:2fa:any', authTime: 1_700_000_000 });
      expect(Object.fromEntries(buildTokenRequest(command.options).body)).toMatchObject({
        acr: 'urn:okta:loa:2fa:any',
        auth_time: '1700000000',
      });
      const result = await run([
        '--issuer',
        dev.issuer,
        '--acr',
        'urn:okta:loa:2fa:any',
        '--auth-time',
        'now-600',
      ]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const { payload } = verify(result.stdout.trim());
      expect(payload).toMatchObject({ acr: 'urn:okta:loa:2fa:any' });
      expect(Math.abs(Number(payload.auth_time) - (Date.now() / 1000 - 600))).toBeLessThan(60);
      // Without them, the token says nothing about the sign-in.
      const plain = verify((await run(['--issuer', dev.issuer])).stdout.trim()).payload;
      expect(plain).not.toHaveProperty('acr');
      expect(plain).not.toHaveProperty('auth_time');
    });

    it('reads --auth-time as seconds since the epoch, now, or now-<seconds>', () => {
      expect(parseAuthTime('now', 1_800_000_000)).toBe(1_800_000_000);
      expect(parseAuthTime('now-900', 1_800_000_000)).toBe(1_799_999_100);
      expect(parseAuthTime('1700000000')).toBe(1_700_000_000);
      for (const bad of ['yesterday', 'now+5', '-1', '1.5', '']) {
        expect(() => parseAuthTime(bad)).toThrow(/--auth-time must be seconds since the epoch/);
      }
      expect(() => parseTokenCommand(['--acr', 'two words'], {})).toThrow(/--acr/);
    });

    it('rejects bad options', () => {
      expect(() => parseTokenCommand(['--nope'], {})).toThrow(TokenCommandError);
      expect(() => parseTokenCommand(['extra'], {})).toThrow(TokenCommandError);
      expect(() => parseTokenCommand(['--issuer', 'nope'], {})).toThrow(/--issuer/);
      expect(() => parseTokenCommand([], { DEV_ISSUER_PORT: 'x' })).toThrow(/DEV_ISSUER_PORT/);
    });

    async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
      let stdout = '';
      let stderr = '';
      const code = await runTokenCommand(
        argv,
        {},
        {
          stdout: (text) => (stdout += text),
          stderr: (text) => (stderr += text),
        },
      );
      return { code, stdout, stderr };
    }

    it('prints only the access token from the running issuer', async () => {
      const result = await run(['--issuer', dev.issuer, '--sub', 'alice@example.com', '--groups', 'Admins']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
      expect(verify(result.stdout.trim()).payload).toMatchObject({
        sub: 'alice@example.com',
        cid: 'dev-client',
        scp: ['messages:read', 'messages:write'],
        groups: ['Admins'],
      });
    });

    it('explains an unreachable issuer on one stderr line', async () => {
      const stopped = await startDevIssuer({
        host: '127.0.0.1',
        port: 0,
        audience: AUDIENCE,
      });
      await stopped.stop();
      const result = await run(['--issuer', stopped.issuer]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        `token: cannot reach the development issuer at ${stopped.issuer}: is \`npm start\` running without OKTA_ISSUER?\n`,
      );
      const bad = await run(['--bogus']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^token: .*--bogus.*\(see --help\)\n$/);
    });
  });
});
