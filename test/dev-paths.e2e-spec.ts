import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import request from 'supertest';
import { AppModule } from '../src/app.module.js';
import { configureApp } from '../src/app.setup.js';
import type { ResolvedConfig } from '../src/config/app-config.js';
import { resolveSites } from '../src/config/resolve-sites.js';
import { loadConfig } from '../src/config/load-config.js';
import { startDevIssuer, type DevIssuer } from '../src/dev-issuer/dev-issuer.js';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request with exactly these headers (fetch will not send a foreign `Host`). */
function send(url: string, method: string, headers: Record<string, string>, body = ''): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method, headers, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const TOKEN_FORM = new URLSearchParams({
  grant_type: 'client_credentials',
  scope: 'messages:read',
  sub: 'mallory@example.com',
  groups: 'Admins',
}).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const FOREIGN_HOSTS = ['evil.example', 'rebound.evil.example:8001', '127.0.0.1.nip.io', '192.168.1.10:8000'];

/** The contract's "Development-only paths": loopback `Host` only, and no `Access-Control-Allow-Origin: *`. */
describe('development-only paths', () => {
  let dev: DevIssuer;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    dev = await startDevIssuer({ host: '127.0.0.1', port: 0, audience: 'api://default' });
    const loaded = loadConfig({ DATABASE_URL: 'sqlite::memory:' });
    const config: ResolvedConfig = {
      ...resolveSites(loaded, dev.issuers),
      devIssuer: { issuer: dev.issuer, tokenEndpoint: dev.tokenEndpoint, sites: ['default'] },
    };
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config)] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await configureApp(app, config);
  });
  afterAll(async () => {
    await app.close();
    await dev.stop();
  });

  const devToken = (host: string) =>
    request(app.getHttpServer())
      .post('/api/dev/token')
      .set('Host', host)
      .send({ sub: 'mallory@example.com', scopes: ['messages:read'], groups: ['Admins'] });

  it.each(['localhost', 'localhost:8000', '127.0.0.1:8000', '127.0.0.2', '[::1]:8000'])(
    'POST /api/dev/token answers Host %s',
    async (host) => {
      const response = await devToken(host);
      expect(response.status).toBe(200);
      expect(typeof response.body.access_token).toBe('string');
    },
  );

  it.each(FOREIGN_HOSTS)('POST /api/dev/token is 404 for Host %s, whatever the body', async (host) => {
    for (const response of [
      await devToken(host),
      await request(app.getHttpServer()).post('/api/dev/token').set('Host', host).send({ sub: 42 }),
    ]) {
      expect(response.status).toBe(404);
      expect(response.body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: 'Cannot POST /api/dev/token',
      });
      expect(response.text).not.toContain('access_token');
    }
  });

  it.each(FOREIGN_HOSTS)('the development issuer gives nothing to Host %s', async (host) => {
    for (const [method, path] of [
      ['POST', '/v1/token'],
      ['GET', '/v1/keys'],
      ['GET', '/.well-known/openid-configuration'],
    ]) {
      const body = method === 'POST' ? TOKEN_FORM : '';
      const answer = await send(`${dev.issuer}${path}`, method, { ...FORM, host }, body);
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.body)).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: `Cannot ${method} /oauth2/default${path}`,
      });
    }
  });

  it('the development issuer token endpoint sends no CORS headers to a foreign origin, to a preflight or a request', async () => {
    const origin = { origin: 'http://evil.example' };
    const preflight = await send(dev.tokenEndpoint, 'OPTIONS', {
      ...origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });
    const token = await send(dev.tokenEndpoint, 'POST', { ...origin, ...FORM }, TOKEN_FORM);
    expect(token.status).toBe(200);
    expect(JSON.parse(token.body)).toHaveProperty('access_token');
    const keys = await send(`${dev.issuer}/v1/keys`, 'GET', origin);
    for (const answer of [preflight, token, keys]) {
      expect(Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
  });

  it("a page on a loopback origin (the API's Swagger UI) gets CORS naming that origin, never *", async () => {
    const origin = 'http://127.0.0.1:8000';
    const token = await send(dev.tokenEndpoint, 'POST', { origin, ...FORM }, TOKEN_FORM);
    expect(token.status).toBe(200);
    expect(token.headers['access-control-allow-origin']).toBe(origin);
    expect(token.headers.vary).toContain('Origin');
  });
});
