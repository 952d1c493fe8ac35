import { parseTokenCommand, runTokenCommand } from '../src/dev-issuer/token.command.js';
import { startApiProcess, type ApiProcess } from './fixtures/api-process.js';

/** What the README's two-site command runs: `SITES_FILE=examples/sites.json npm start`, the built server. */
describe('two local sites from examples/sites.json', () => {
  let api: ApiProcess;
  let devIssuerPort: string;

  beforeAll(async () => {
    api = await startApiProcess({ SITES_FILE: 'examples/sites.json' });
    // The banner's lines follow the one startApiProcess waits for.
    const siteLine = /site blog: issuer http:\/\/127\.0\.0\.1:(\d+)\/oauth2\/blog/;
    for (let i = 0; i < 100 && !siteLine.test(api.output()); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const match = siteLine.exec(api.output());
    if (!match) throw new Error(`no site line in the start banner:\n${api.output()}`);
    devIssuerPort = match[1];
    expect(api.output()).toMatch(
      /site shop: issuer http:\/\/127\.0\.0\.1:\d+\/oauth2\/shop, audience api:\/\/shop/,
    );
  });
  afterAll(() => api.stop());

  /** `npm run -s token -- ...args` against this server's development issuer. */
  async function token(...args: string[]): Promise<string> {
    let stdout = '';
    let stderr = '';
    const code = await runTokenCommand(
      args,
      { DEV_ISSUER_PORT: devIssuerPort },
      { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) },
    );
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    return stdout.trim();
  }

  async function call(path: string, bearer: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${api.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    });
  }

  it('mints a token for the chosen site, whose admin group makes an admin there only', async () => {
    const blogAdmin = await token('--site', 'blog', '--sub', 'ann@example.com', '--groups', 'Blog Admins');
    const onShop = await token('--site', 'shop', '--sub', 'ann@example.com', '--groups', 'Blog Admins');
    expect(await (await call('/api/me', blogAdmin)).json()).toMatchObject({ site: 'blog', isAdmin: true });
    expect(await (await call('/api/me', onShop)).json()).toMatchObject({ site: 'shop', isAdmin: false });

    const posted = await call('/api/messages', blogAdmin, {
      method: 'POST',
      body: JSON.stringify({ text: 'hi' }),
    });
    expect(posted.status).toBe(201);
    const { id } = (await posted.json()) as { id: string };
    expect((await call(`/api/messages/${id}`, blogAdmin)).status).toBe(200);
    expect((await call(`/api/messages/${id}`, onShop)).status).toBe(404);
  });

  it('serves one authorization server per site without an issuer, and no other', async () => {
    const base = `http://127.0.0.1:${devIssuerPort}/oauth2`;
    for (const site of ['blog', 'shop']) {
      const discovery = await fetch(`${base}/${site}/.well-known/openid-configuration`);
      expect(((await discovery.json()) as { issuer: string }).issuer).toBe(`${base}/${site}`);
    }
    const keys = await Promise.all(
      ['blog', 'shop'].map(
        async (site) =>
          ((await (await fetch(`${base}/${site}/v1/keys`)).json()) as { keys: { kid: string }[] }).keys[0]
            .kid,
      ),
    );
    expect(keys[0]).not.toBe(keys[1]);
    expect((await fetch(`${base}/default/.well-known/openid-configuration`)).status).toBe(404);
  });

  it("lets the demo page's development sign-in pick the site", async () => {
    const config = (await (await fetch(`${api.url}/api/web-config`)).json()) as { sites: unknown };
    const base = `http://127.0.0.1:${devIssuerPort}/oauth2`;
    expect(config.sites).toEqual([
      { id: 'blog', adminGroups: ['Blog Admins'], tokenEndpoint: `${base}/blog/v1/token` },
      { id: 'shop', adminGroups: ['Shop Admins'], tokenEndpoint: `${base}/shop/v1/token` },
    ]);
    const signIn = (body: object) =>
      fetch(`${api.url}/api/dev/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          sub: 'ann@example.com',
          scopes: ['messages:read'],
          groups: ['Shop Admins'],
          ...body,
        }),
      });
    for (const [site, isAdmin] of [
      ['shop', true],
      ['blog', false],
      [undefined, false],
    ] as const) {
      const answer = await signIn({ site });
      expect(answer.status).toBe(200);
      const { access_token } = (await answer.json()) as { access_token: string };
      expect(await (await call('/api/me', access_token)).json()).toMatchObject({
        site: site ?? 'blog',
        isAdmin,
      });
    }
    const unknown = await signIn({ site: 'news' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { message: string }).message).toBe(
      "site must be one of the development issuer's sites: blog, shop",
    );
  });

  it('refuses a site id that is not one', () => {
    expect(() => parseTokenCommand(['--site', 'Blog!'], {})).toThrow(/--site is not a site id/);
    expect(() => parseTokenCommand(['--site', 'blog', '--issuer', 'http://127.0.0.1:1/x'], {})).toThrow(
      /--site and --issuer/,
    );
    expect(parseTokenCommand(['--site', 'shop'], { DEV_ISSUER_PORT: '9001' })).toMatchObject({
      options: { issuer: 'http://127.0.0.1:9001/oauth2/shop' },
    });
  });
});
