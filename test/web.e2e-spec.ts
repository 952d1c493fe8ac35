import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module.js';
import { configureApp } from '../src/app.setup.js';
import type { ResolvedConfig } from '../src/config/app-config.js';
import { resolveSites } from '../src/config/resolve-sites.js';
import { ConfigError, loadConfig } from '../src/config/load-config.js';
import { decodeJwt, generateKeyPair } from 'jose';
import { startDevIssuer, type DevIssuer } from '../src/dev-issuer/dev-issuer.js';
import { createDpopProof, dpopThumbprint, publicJwkOf, type DpopKey } from '../src/dev-issuer/dpop-proof.js';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';

/** The app as main.ts builds it when it has started the built-in issuer. */
async function startDevApp(dev: DevIssuer, env: Record<string, string> = {}) {
  const loaded = loadConfig({ DATABASE_URL: 'sqlite::memory:', METRICS_PORT: '0', ...env });
  const config: ResolvedConfig = {
    ...resolveSites(loaded, dev.issuers),
    devIssuer: { issuer: dev.issuer, tokenEndpoint: dev.tokenEndpoint, sites: ['default'] },
  };
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config)] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: false,
  });
  await configureApp(app, config);
  return app;
}

/** A development issuer and the app on it for one test; both closed however the test ends. */
async function withDevApp(
  env: Record<string, string>,
  test: (server: ReturnType<NestFastifyApplication['getHttpServer']>) => Promise<void>,
): Promise<void> {
  const dev = await startDevIssuer({ host: '127.0.0.1', port: 0, audience: 'api://default' });
  try {
    const app = await startDevApp(dev, env);
    try {
      await test(app.getHttpServer());
    } finally {
      await app.close();
    }
  } finally {
    await dev.stop();
  }
}

describe('demo page with the built-in development issuer', () => {
  let dev: DevIssuer;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    dev = await startDevIssuer({ host: '127.0.0.1', port: 0, audience: 'api://default' });
    app = await startDevApp(dev);
  });
  afterAll(async () => {
    await app.close();
    await dev.stop();
  });

  it('describes the development sign-in in its public configuration', async () => {
    const response = await request(app.getHttpServer()).get('/api/web-config').expect(200);
    expect(response.body).toEqual({
      mode: 'development',
      issuer: dev.issuer,
      scopes: ['openid', 'profile', 'email', 'messages:read', 'messages:write'],
      devScopes: ['messages:read', 'messages:write'],
      adminGroups: ['Admins'],
      sites: [{ id: 'default', adminGroups: ['Admins'], tokenEndpoint: dev.tokenEndpoint }],
    });
  });

  it('mints a DPoP-bound token for a sign-in with a DPoP proof, after the nonce round trip', async () => {
    const server = app.getHttpServer();
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const key: DpopKey = { alg: 'ES256', privateKey, publicJwk: await publicJwkOf(publicKey) };
    const signIn = { sub: 'dora@example.com', scopes: ['messages:read'], groups: [] };
    const htu = dev.tokenEndpoint;

    const first = await request(server)
      .post('/api/dev/token')
      .set('DPoP', await createDpopProof(key, { htm: 'POST', htu }))
      .send(signIn)
      .expect(400);
    expect(first.body.message).toMatch(/^use_dpop_nonce: /);
    const nonce = first.headers['dpop-nonce'];
    expect(nonce).toEqual(expect.any(String));

    const second = await request(server)
      .post('/api/dev/token')
      .set('DPoP', await createDpopProof(key, { htm: 'POST', htu, nonce }))
      .send(signIn)
      .expect(200);
    expect(second.body).toMatchObject({ token_type: 'DPoP', expires_in: 3600 });
    expect(decodeJwt(String(second.body.access_token)).cnf).toEqual({ jkt: await dpopThumbprint(key) });

    const wrongTarget = await request(server)
      .post('/api/dev/token')
      .set(
        'DPoP',
        await createDpopProof(key, { htm: 'POST', htu: 'http://127.0.0.1:8000/api/dev/token', nonce }),
      )
      .send(signIn)
      .expect(400);
    expect(wrongTarget.body.message).toMatch(
      /^the development issuer refused the DPoP proof: DPoP proof htu must be /,
    );
    expect(wrongTarget.headers).not.toHaveProperty('dpop-nonce');
  });

  it('gets a real token for the picked user, scopes and groups from the development issuer', async () => {
    const server = app.getHttpServer();
    const response = await request(server)
      .post('/api/dev/token')
      .send({ sub: 'carol@example.com', scopes: ['messages:read'], groups: ['Admins'] })
      .expect(200);
    expect(response.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const me = await request(server)
      .get('/api/me')
      .set('Authorization', `Bearer ${String(response.body.access_token)}`)
      .expect(200);
    expect(me.body).toMatchObject({
      sub: 'carol@example.com',
      scopes: ['openid', 'profile', 'email', 'messages:read'],
      groups: ['Admins'],
      isAdmin: true,
    });
  });

  it('signs in "with a second factor" on request: acr, amr and auth_time (now) in the token', async () => {
    const server = app.getHttpServer();
    const tokenFor = async (secondFactor?: boolean) =>
      String(
        (
          await request(server)
            .post('/api/dev/token')
            .send({ sub: 'carol@example.com', scopes: ['messages:read'], groups: ['Admins'], secondFactor })
            .expect(200)
        ).body.access_token,
      );
    const strong = await tokenFor(true);
    const claims = JSON.parse(Buffer.from(strong.split('.')[1], 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims).toMatchObject({ acr: 'urn:okta:loa:2fa:any', amr: ['pwd', 'otp'] });
    expect(Math.abs(Number(claims.auth_time) - Date.now() / 1000)).toBeLessThan(60);
    const me = await request(server).get('/api/me').set('Authorization', `Bearer ${strong}`).expect(200);
    expect(me.body).toMatchObject({ acr: 'urn:okta:loa:2fa:any', auth_time: claims.auth_time });
    for (const plain of [await tokenFor(), await tokenFor(false)]) {
      const plainMe = await request(server)
        .get('/api/me')
        .set('Authorization', `Bearer ${plain}`)
        .expect(200);
      expect(plainMe.body).toMatchObject({ acr: null, auth_time: null });
    }
    await request(server)
      .post('/api/dev/token')
      .send({ sub: 'carol@example.com', scopes: [], groups: [], secondFactor: 'yes' })
      .expect(400);
  });

  it('refuses scopes this API does not define and names the bad field', async () => {
    const response = await request(app.getHttpServer())
      .post('/api/dev/token')
      .send({ sub: 'mallory', scopes: ['okta.users.manage'], groups: [] })
      .expect(400);
    expect(response.body.message).toContain('scopes must be some of messages:read, messages:write');
  });
});

describe('development sign-in under admin step-up', () => {
  it('meets ADMIN_ACR_VALUES and ADMIN_MAX_AGE with the second-factor option, and only with it', async () => {
    await withDevApp({ ADMIN_ACR_VALUES: 'urn:okta:loa:2fa:any', ADMIN_MAX_AGE: '300' }, async (server) => {
      for (const secondFactor of [false, true]) {
        const signIn = await request(server)
          .post('/api/dev/token')
          .send({ sub: 'root@example.com', scopes: ['messages:read'], groups: ['Admins'], secondFactor })
          .expect(200);
        await request(server)
          .get('/api/admin/messages')
          .set('Authorization', `Bearer ${String(signIn.body.access_token)}`)
          .expect(secondFactor ? 200 : 401);
      }
    });
  });
});

describe('demo page with a real Okta issuer', () => {
  let okta: OktaTestEnv;

  beforeAll(async () => {
    okta = await startOktaTestEnv({ OKTA_SPA_CLIENT_ID: '0oa1spaclient0example' });
  });
  afterAll(() => okta.close());

  it('gives the widget the issuer, the SPA client id and the scopes, and nothing else', async () => {
    const response = await request(okta.api.server).get('/api/web-config').expect(200);
    expect(response.body).toEqual({
      mode: 'okta',
      issuer: okta.api.config.okta.issuer,
      clientId: '0oa1spaclient0example',
      scopes: ['openid', 'profile', 'email', 'messages:read', 'messages:write'],
      dpop: false,
    });
  });

  it('tells the page to sign in with DPoP when the Okta SPA app requires it (OKTA_SPA_DPOP)', async () => {
    const dpop = await startOktaTestEnv({
      OKTA_SPA_CLIENT_ID: '0oa1spaclient0example',
      OKTA_SPA_DPOP: 'true',
    });
    try {
      const response = await request(dpop.api.server).get('/api/web-config').expect(200);
      expect(response.body).toMatchObject({ mode: 'okta', dpop: true });
    } finally {
      await dpop.close();
    }
  });

  it('has no development sign-in at all', async () => {
    await request(okta.api.server)
      .post('/api/dev/token')
      .send({ sub: 'mallory', scopes: ['messages:read'], groups: ['Admins'] })
      .expect(404);
  });
});

describe('demo page configuration', () => {
  it('says what is missing when OKTA_ISSUER is set without OKTA_SPA_CLIENT_ID', async () => {
    const okta = await startOktaTestEnv();
    try {
      const response = await request(okta.api.server).get('/api/web-config').expect(200);
      expect(response.body).toEqual({
        mode: 'unconfigured',
        issuer: okta.api.config.okta.issuer,
        reason: expect.stringContaining('OKTA_SPA_CLIENT_ID is not') as unknown,
      });
    } finally {
      await okta.close();
    }
  });

  it('never offers the development sign-in in production, even if a development issuer were running', async () => {
    await withDevApp(
      {
        NODE_ENV: 'production',
        OKTA_ISSUER: 'http://127.0.0.1:1/oauth2/default',
      },
      async (server) => {
        const config = await request(server).get('/api/web-config').expect(200);
        expect(config.body.mode).not.toBe('development');
        await request(server)
          .post('/api/dev/token')
          .send({ sub: 'mallory', scopes: ['messages:read'], groups: ['Admins'] })
          .expect(404);
      },
    );
  });

  it('has no development sign-in when the API listens beyond loopback', async () => {
    await withDevApp({ HOST: '0.0.0.0' }, async (server) => {
      const config = await request(server).get('/api/web-config').expect(200);
      expect(config.body).toMatchObject({
        mode: 'unconfigured',
        reason: expect.stringContaining('loopback'),
      });
      await request(server)
        .post('/api/dev/token')
        .send({ sub: 'mallory', scopes: ['messages:read'], groups: ['Admins'] })
        .expect(404);
    });
  });

  it('mints development tokens for the first OKTA_CLIENT_IDS entry, so the API accepts them', async () => {
    await withDevApp({ OKTA_CLIENT_IDS: 'demo-spa,other' }, async (server) => {
      const token = await request(server)
        .post('/api/dev/token')
        .send({ sub: 'alice@example.com', scopes: ['messages:read'], groups: [] })
        .expect(200);
      const me = await request(server)
        .get('/api/me')
        .set('Authorization', `Bearer ${String(token.body.access_token)}`)
        .expect(200);
      expect(me.body).toMatchObject({ sub: 'alice@example.com', cid: 'demo-spa' });
    });
  });

  it('rejects an OKTA_SPA_CLIENT_ID that is not a client id, naming the variable', () => {
    expect(() => loadConfig({ OKTA_SPA_CLIENT_ID: 'abc def' })).toThrow(ConfigError);
    expect(() => loadConfig({ OKTA_SPA_CLIENT_ID: 'abc def' })).toThrow(/OKTA_SPA_CLIENT_ID/);
    expect(loadConfig({ OKTA_SPA_CLIENT_ID: '0oa1b2c3d4E5f6G7h8i9' }).okta.spaClientId).toBe(
      '0oa1b2c3d4E5f6G7h8i9',
    );
  });
});
