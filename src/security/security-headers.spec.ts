import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { loadConfig } from '../config/load-config.js';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Fastify from 'fastify';
import {
  apiSecurityHeaders,
  helmetFor,
  isJson,
  securityHeaders,
  useSecurityHeaders,
} from './security-headers.js';

describe('securityHeaders', () => {
  const config = loadConfig({ OKTA_ISSUER: 'https://dev-123.okta.com/oauth2/default' });

  /** What helmet sets when it runs, per request, on a real Node response. */
  function helmetOnRealResponse(): Record<string, string> {
    const request = new IncomingMessage(new Socket());
    const response = new ServerResponse(request);
    response.setHeader('X-Powered-By', 'something');
    let error: unknown;
    helmetFor(config)(request, response, (failure?: unknown) => (error = failure));
    expect(error).toBeUndefined();
    return Object.fromEntries(
      Object.entries(response.getHeaders()).map(([name, value]) => [name, String(value)]),
    );
  }

  it('is exactly the set helmet writes on a real response, computed once', () => {
    const precomputed = securityHeaders(config);
    expect(precomputed).toEqual(helmetOnRealResponse());
    expect(Object.keys(precomputed)).toEqual(
      expect.arrayContaining([
        'content-security-policy',
        'strict-transport-security',
        'x-content-type-options',
      ]),
    );
    expect(precomputed).not.toHaveProperty('x-powered-by');
  });

  it('lets the page and Swagger UI reach the issuer, and nothing else off-site', () => {
    const csp = securityHeaders(config)['content-security-policy'];
    expect(csp).toContain("connect-src 'self' https://dev-123.okta.com");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
  });
});

describe('apiSecurityHeaders', () => {
  const page = securityHeaders(loadConfig({ OKTA_ISSUER: 'https://dev-123.okta.com/oauth2/default' }));

  it("is the OWASP set for API responses, with the page's Strict-Transport-Security", () => {
    expect(apiSecurityHeaders(page)).toEqual({
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'strict-transport-security': page['strict-transport-security'],
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    });
  });
});

describe('isJson', () => {
  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON;charset=UTF-8',
    'application/problem+json',
  ])('takes %s for JSON', (type) => expect(isJson(type)).toBe(true));

  it.each([
    'text/html; charset=utf-8',
    'application/javascript',
    'application/json-seq',
    'text/json',
    undefined,
    42,
  ])('does not take %s for JSON', (type) => expect(isJson(type)).toBe(false));
});

describe('useSecurityHeaders', () => {
  const config = loadConfig({ OKTA_ISSUER: 'https://dev-123.okta.com/oauth2/default' });
  const page = securityHeaders(config);
  const api = apiSecurityHeaders(page);

  /** A real Fastify server with the hook, on a free port: light-my-request cannot load under Jest's ESM. */
  async function withServer(check: (get: (path: string) => Promise<Response>) => Promise<void>) {
    const fastify = Fastify();
    useSecurityHeaders(
      { getHttpAdapter: () => ({ getInstance: () => fastify }) } as unknown as NestFastifyApplication,
      config,
    );
    fastify.get('/json', () => ({ ok: true }));
    fastify.get('/cached.json', (_request, reply) =>
      reply.header('Cache-Control', 'public, max-age=60').send({ ok: true }),
    );
    fastify.get('/page', (_request, reply) =>
      reply.header('X-Frame-Options', 'DENY').type('text/html; charset=utf-8').send('<!doctype html>'),
    );
    fastify.get('/empty', (_request, reply) => reply.code(204).send());
    const base = await fastify.listen({ port: 0, host: '127.0.0.1' });
    try {
      await check((path) => fetch(`${base}${path}`));
    } finally {
      await fastify.close();
    }
  }

  const headersOf = (response: Response) => Object.fromEntries(response.headers.entries());

  it('gives JSON the API set and everything else the page set, a route setting its own header winning', async () => {
    await withServer(async (get) => {
      const json = headersOf(await get('/json'));
      expect(json).toMatchObject(api);
      expect(json).not.toHaveProperty('referrer-policy');

      const cached = headersOf(await get('/cached.json'));
      expect(cached).toMatchObject({ ...api, 'cache-control': 'public, max-age=60' });

      const html = headersOf(await get('/page'));
      expect(html).toMatchObject({ ...page, 'x-frame-options': 'DENY' });
      expect(html['cache-control']).toBeUndefined();

      const empty = await get('/empty');
      expect(empty.status).toBe(204);
      expect(headersOf(empty)).toMatchObject(page);

      const missing = await get('/nowhere');
      expect(missing.status).toBe(404);
      expect(headersOf(missing)).toMatchObject(api);
    });
  });
});
