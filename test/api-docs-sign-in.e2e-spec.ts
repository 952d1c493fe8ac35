import request from 'supertest';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';

const SPA_CLIENT_ID = '0oa1b2c3d4E5f6G7h8i9';

/** What Swagger UI 5 uses as `redirect_uri` when opened at `pagePath` (its `runtime` defaults). */
function swaggerUiRedirectPath(pagePath: string): string {
  return `${pagePath.substring(0, pagePath.lastIndexOf('/'))}/oauth2-redirect.html`;
}

describe('Swagger UI sign-in (authorization code with PKCE)', () => {
  let env: OktaTestEnv;

  beforeAll(async () => {
    env = await startOktaTestEnv({ OKTA_SPA_CLIENT_ID: SPA_CLIENT_ID });
  });
  afterAll(() => env.close());

  it.each(['/api/docs', '/api/docs/'])(
    'serves the redirect page Swagger UI computes at %s, without the COOP that would cut it from its opener',
    async (pagePath) => {
      await request(env.api.server).get(pagePath).expect(200);
      const redirect = await request(env.api.server).get(swaggerUiRedirectPath(pagePath)).expect(200);
      expect(redirect.headers['content-type']).toMatch(/^text\/html/);
      expect(redirect.text).toContain('<script src="/api/docs/oauth2-redirect.js"></script>');
      expect(redirect.headers['cross-origin-opener-policy'] ?? 'unsafe-none').toBe('unsafe-none');
      // Everything else about the page's policy stays: scripts only from this origin.
      expect(redirect.headers['content-security-policy']).toContain("script-src 'self'");
      expect(redirect.headers['x-content-type-options']).toBe('nosniff');
    },
  );

  it.each(['/api/docs', '/api/docs/', '/api/docs/index.html'])(
    'lets %s keep its link to the sign-in popup, and nothing else',
    async (pagePath) => {
      const page = await request(env.api.server).get(pagePath).expect(200);
      expect(page.headers['cross-origin-opener-policy']).toBe('same-origin-allow-popups');
      const script = await request(env.api.server).get('/api/docs/swagger-ui-init.js').expect(200);
      expect(script.headers['cross-origin-opener-policy']).toBe('same-origin');
    },
  );

  it('lets the docs page call the issuer token endpoint (CSP connect-src)', async () => {
    const page = await request(env.api.server).get('/api/docs').expect(200);
    const csp = String(page.headers['content-security-policy']);
    const connectSrc = /connect-src ([^;]*)/.exec(csp)?.[1] ?? '';
    expect(connectSrc.split(' ')).toContain(new URL(env.jwks.issuer).origin);
  });

  it('pre-fills the SPA client id and asks for PKCE, with no client secret', async () => {
    for (const base of ['/api/docs/', '/api/docs/docs/']) {
      const init = await request(env.api.server).get(`${base}swagger-ui-init.js`).expect(200);
      const initOAuth = /"initOAuth": (\{[^}]*\})/.exec(init.text)?.[1];
      expect(JSON.parse(initOAuth ?? '{}')).toEqual({
        clientId: SPA_CLIENT_ID,
        usePkceWithAuthorizationCodeGrant: true,
        scopes: ['messages:read', 'messages:write'],
      });
      expect(init.text).not.toMatch(/clientSecret/i);
    }
    const page = await request(env.api.server).get('/api/docs').expect(200);
    expect(page.text).toContain('label[for^="client_secret_"]) { display: none; }');
  });
});

describe('Swagger UI sign-in without OKTA_SPA_CLIENT_ID', () => {
  let env: OktaTestEnv;

  beforeAll(async () => {
    env = await startOktaTestEnv();
  });
  afterAll(() => env.close());

  it('leaves the client id for the person to type', async () => {
    const init = await request(env.api.server).get('/api/docs/swagger-ui-init.js').expect(200);
    const initOAuth = /"initOAuth": (\{[^}]*\})/.exec(init.text)?.[1];
    expect(JSON.parse(initOAuth ?? '{}')).toEqual({
      usePkceWithAuthorizationCodeGrant: true,
      scopes: ['messages:read', 'messages:write'],
    });
  });
});
