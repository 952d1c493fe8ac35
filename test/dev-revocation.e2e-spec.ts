import { startDevIssuer, type DevIssuer } from '../src/dev-issuer/dev-issuer.js';
import { fakeOktaUserId } from '../src/dev-issuer/okta-claims.js';
import {
  eventDelivery,
  parseOktaEventCommand,
  runOktaEventCommand,
} from '../src/dev-issuer/okta-event.command.js';
import { DevTokenState } from '../src/dev-issuer/token-state.js';
import { startApiProcess, type ApiProcess } from './fixtures/api-process.js';
import { HOOK_SECRET } from './fixtures/okta-events.js';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function issue(tokenEndpoint: string, sub: string): Promise<string> {
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: 'messages:read messages:write',
      sub,
    }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

function form(url: string, fields: Record<string, string>, authorization?: string) {
  return fetch(url, {
    method: 'POST',
    headers: authorization === undefined ? {} : { authorization },
    body: new URLSearchParams(fields),
  });
}

describe('development issuer: introspection and revocation with real state', () => {
  let dev: DevIssuer;

  beforeAll(async () => {
    dev = await startDevIssuer({ host: '127.0.0.1', port: 0, audience: 'api://default' });
  });
  afterAll(() => dev.stop());

  it('says a token it issued is active until it is revoked, and never for one it did not issue', async () => {
    const token = await issue(dev.tokenEndpoint, 'carol@example.com');
    const introspect = async (candidate: string) => {
      const response = await form(`${dev.issuer}/v1/introspect`, { token: candidate }, basic('any', 'thing'));
      expect(response.status).toBe(200);
      return (await response.json()) as Record<string, unknown>;
    };
    expect(await introspect(token)).toMatchObject({
      active: true,
      sub: 'carol@example.com',
      username: 'carol@example.com',
      uid: fakeOktaUserId('carol@example.com'),
      client_id: 'dev-client',
      scope: 'messages:read messages:write',
      iss: dev.issuer,
      token_type: 'Bearer',
    });
    expect(await introspect(`${token.slice(0, -2)}xx`)).toEqual({ active: false });
    const revoked = await form(`${dev.issuer}/v1/revoke`, { token, client_id: 'dev-client' });
    expect(revoked.status).toBe(200);
    expect(await introspect(token)).toEqual({ active: false });
  });

  it('wants client authentication, as Okta does', async () => {
    const token = await issue(dev.tokenEndpoint, 'dave@example.com');
    for (const path of ['introspect', 'revoke']) {
      const response = await form(`${dev.issuer}/v1/${path}`, { token });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: 'invalid_client' });
    }
  });

  it('says an expired token is inactive', () => {
    let now = Date.now();
    const state = new DevTokenState(() => now);
    const payload = { sub: 'erin@example.com', exp: Math.floor(now / 1000) + 60, scp: [] };
    const token = `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;
    state.record(token);
    expect(state.introspect(token)).toMatchObject({ active: true });
    now += 61_000;
    expect(state.introspect(token)).toEqual({ active: false });
  });
});

describe('npm run okta-event', () => {
  it('reads the event type, the user (by sub or uid), the time and the API', () => {
    const now = Date.UTC(2026, 5, 1, 12);
    const env = { OKTA_EVENT_HOOK_SECRET: HOOK_SECRET, HOST: '0.0.0.0', PORT: '8080' };
    expect(
      parseOktaEventCommand(['user.lifecycle.deactivate', '--sub', 'alice@example.com'], env, now),
    ).toEqual({
      eventType: 'user.lifecycle.deactivate',
      uid: fakeOktaUserId('alice@example.com'),
      published: new Date(now),
      api: 'http://127.0.0.1:8080',
      secret: HOOK_SECRET,
    });
    const options = parseOktaEventCommand(
      ['user.account.lock', '--uid', '00uABC', '--published', 'now-600', '--api', 'http://[::1]:9000/'],
      env,
      now,
    );
    expect(options).toMatchObject({
      uid: '00uABC',
      published: new Date(now - 600_000),
      api: 'http://[::1]:9000',
    });
    expect(eventDelivery(options as Exclude<typeof options, 'help'>)).toMatchObject({
      data: { events: [{ eventType: 'user.account.lock', target: [{ id: '00uABC', type: 'User' }] }] },
    });
  });

  it.each([
    [['--sub', 'a'], {}],
    [['user.lifecycle.deactivate'], {}],
    [['user.lifecycle.deactivate', '--sub', 'a', '--uid', 'b'], {}],
    [['user.lifecycle.deactivate', '--sub', 'a'], { OKTA_EVENT_HOOK_SECRET: '' }],
    [['user.lifecycle.deactivate', '--uid', 'a b'], {}],
    [['user.lifecycle.deactivate', '--sub', 'a', '--published', 'soon'], {}],
  ])('refuses %j in one line, exit code 1', async (argv, env) => {
    const errors: string[] = [];
    const code = await runOktaEventCommand(
      argv,
      { OKTA_EVENT_HOOK_SECRET: HOOK_SECRET, ...env },
      {
        stdout: () => {},
        stderr: (text) => errors.push(text),
      },
    );
    expect(code).toBe(1);
    expect(errors.join('')).toMatch(/^okta-event: [^\n]+\n$/);
  });
});

/**
 * What a person does locally: start the API with the development issuer, watch a token work, then
 * stop working once the user is deactivated (event hook) or the token revoked (introspection).
 */
describe('revocation end to end with the development issuer', () => {
  let api: ApiProcess;
  let issuer: string;
  const run = async (argv: string[], secret = HOOK_SECRET) => {
    const out: string[] = [];
    const code = await runOktaEventCommand(
      [...argv, '--api', api.url],
      { OKTA_EVENT_HOOK_SECRET: secret },
      {
        stdout: (text) => out.push(text),
        stderr: (text) => out.push(text),
      },
    );
    return { code, text: out.join('') };
  };
  const devToken = async (sub: string) => {
    const response = await fetch(`${api.url}/api/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub, scopes: ['messages:read', 'messages:write'], groups: [] }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const call = async (token: string, method = 'GET') =>
    (
      await fetch(`${api.url}/api/messages`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: method === 'POST' ? JSON.stringify({ text: 'hello' }) : undefined,
      })
    ).status;

  beforeAll(async () => {
    api = await startApiProcess({
      OKTA_EVENT_HOOK_SECRET: HOOK_SECRET,
      OKTA_INTROSPECTION_CLIENT_ID: 'dev-introspection',
      OKTA_INTROSPECTION_CLIENT_SECRET: 'dev-secret',
      LOG_FORMAT: 'json',
    });
    issuer = /with issuer (http:\/\/[^\s"]+)/.exec(api.output())![1];
  });
  afterAll(() => api.stop());

  it('refuses the token of a user deactivated with npm run okta-event, until reactivated', async () => {
    const token = await devToken('frank@example.com');
    expect(await call(token)).toBe(200);
    const deactivated = await run(['user.lifecycle.deactivate', '--sub', 'frank@example.com']);
    expect(deactivated).toMatchObject({ code: 0, text: expect.stringContaining('stored by') as unknown });
    expect(await call(token)).toBe(401);
    expect((await run(['user.lifecycle.reactivate', '--sub', 'frank@example.com'])).code).toBe(0);
    // Tokens carry whole seconds: one issued in the reactivation's own second counts as before it.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await call(await devToken('frank@example.com'))).toBe(200);
    expect(await call(token)).toBe(401);
    expect(api.output()).toContain('"action":"revocation.received"');
    expect(api.output()).toContain('"action":"revocation.token_refused"');
  });

  it('refuses a write with a token revoked at the development issuer; reads are not introspected', async () => {
    const token = await devToken('grace@example.com');
    const revoked = await form(`${issuer}/v1/revoke`, { token, client_id: 'dev-client' });
    expect(revoked.status).toBe(200);
    expect(await call(token, 'POST')).toBe(401);
    expect(await call(token)).toBe(200);
    expect(await call(await devToken('grace@example.com'), 'POST')).toBe(201);
  });

  it('says why the API refused the event: the secret', async () => {
    const wrong = await run(['user.lifecycle.suspend', '--uid', '00uX'], 'not-the-secret-at-all');
    expect(wrong).toEqual({ code: 1, text: expect.stringContaining('refused the secret') as unknown });
  });
});
