import { startApiProcess, type ApiProcess } from './fixtures/api-process.js';

const WIDGET = '/vendor/okta-signin-widget';

/** The page as `npm start` serves it: files copied into dist, the widget from node_modules. */
describe('demo page files served by the built server', () => {
  let server: ApiProcess;

  beforeAll(async () => {
    server = await startApiProcess();
  });
  afterAll(() => server.stop());

  const get = (path: string) => fetch(`${server.url}${path}`);

  it('serves the page at / without a token, loading only files from this server', async () => {
    const response = await get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).toContain('<script type="module" src="/app.js"></script>');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('serves the compiled page modules and the stylesheet', async () => {
    for (const path of ['/app.js', '/api-client.js', '/okta-sign-in.js', '/app.css']) {
      const response = await get(path);
      expect([path, response.status]).toEqual([path, 200]);
    }
    expect((await get('/app.js')).headers.get('content-type')).toMatch(/javascript/);
  });

  it('serves the Okta Sign-In Widget from the installed package, and nothing outside its dist', async () => {
    const script = await get(`${WIDGET}/js/okta-sign-in.min.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await script.text()).length).toBeGreaterThan(100_000);
    expect((await get(`${WIDGET}/css/okta-sign-in.min.css`)).status).toBe(200);
    expect((await get('/vendor/okta-auth-js/okta-auth-js.min.js')).status).toBe(200);
    const missing = await get(`${WIDGET}/js/no-such-file.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ statusCode: 404 });
    expect((await get(`${WIDGET}/%2e%2e/package.json`)).status).toBe(404);
    expect((await get(`${WIDGET}/..%2fpackage.json`)).status).toBe(404);
  });

  it("serves jose's Web Crypto build (ES modules) for the page's DPoP proofs, and nothing outside it", async () => {
    const entry = await get('/vendor/jose/index.js');
    expect(entry.status).toBe(200);
    expect(entry.headers.get('content-type')).toMatch(/javascript/);
    expect(await entry.text()).toContain('SignJWT');
    expect((await get('/vendor/jose/jwt/sign.js')).status).toBe(200);
    expect((await get('/vendor/jose/%2e%2e/%2e%2e/package.json')).status).toBe(404);
    expect((await get('/dpop.js')).status).toBe(200);
  });

  it('leaves every other path to the API: unknown paths 404 as JSON, API routes still need a token', async () => {
    const missing = await get('/nothing-here');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ statusCode: 404 });
    expect((await get('/api/messages')).status).toBe(401);
    expect((await get('/health/live')).status).toBe(200);
  });
});
