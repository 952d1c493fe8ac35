import { RequestMethod } from '@nestjs/common';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { Validator } from '@seriousme/openapi-schema-validator';
import request from 'supertest';
import { Public } from '../src/auth/decorators/public.decorator.js';
import { Scopes } from '../src/auth/decorators/scopes.decorator.js';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';

interface Operation {
  security?: Record<string, string[]>[];
  responses: Record<string, unknown>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, Record<string, unknown>> };
}
interface ServedRoute {
  method: string;
  path: string;
  scopes: string[] | undefined;
  isPublic: boolean;
}

/** The metadata keys `@Controller()` and `@Get()`/`@Post()`/… write (Nest's PATH_METADATA, METHOD_METADATA). */
const PATH_METADATA = 'path';
const METHOD_METADATA = 'method';

/** Every route the application serves, read from the controllers Nest mapped, with its scopes. */
function servedRoutes(env: OktaTestEnv): ServedRoute[] {
  const modules = env.api.app.get(ModulesContainer);
  const scanner = new MetadataScanner();
  const reflector = env.api.app.get(Reflector);
  const controllers = [...modules.values()].flatMap((module) => [...module.controllers.values()]);
  return controllers.flatMap(({ metatype, instance }) => {
    if (!metatype || !instance) return [];
    const base = String(Reflect.getMetadata(PATH_METADATA, metatype) ?? '');
    const prototype = Object.getPrototypeOf(instance) as object;
    return scanner.getAllMethodNames(prototype).flatMap((name) => {
      const handler = (prototype as Record<string, () => unknown>)[name];
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) return [];
      const own = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
      const joined = `/${[base, own].filter((part) => part !== '' && part !== '/').join('/')}`;
      const path = joined.startsWith('/health/') ? joined : `/api${joined}`;
      return [
        {
          method: RequestMethod[method].toLowerCase(),
          path: path.replace(/:(\w+)/g, '{$1}'),
          scopes: reflector.getAllAndOverride(Scopes, [handler, metatype]),
          isPublic: reflector.getAllAndOverride(Public, [handler, metatype]) === true,
        },
      ];
    });
  });
}

describe('OpenAPI document', () => {
  let env: OktaTestEnv;
  let document: OpenApiDocument;

  beforeAll(async () => {
    env = await startOktaTestEnv();
    const response = await request(env.api.server).get('/api/docs-json').expect(200);
    document = response.body as OpenApiDocument;
  });

  afterAll(() => env.close());

  it('is served without a token and is valid OpenAPI', async () => {
    const result = await new Validator().validate(document as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(document.openapi).toMatch(/^3\./);
  });

  it('serves Swagger UI at /api/docs without a token', async () => {
    const response = await request(env.api.server).get('/api/docs').expect(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.text).toContain('swagger-ui');
  });

  it('offers an oauth2 scheme (authorization code against the issuer) and a bearer scheme', () => {
    const issuer = env.jwks.issuer;
    expect(document.components.securitySchemes.oauth2).toEqual({
      type: 'oauth2',
      description: expect.stringContaining('PKCE'),
      flows: {
        authorizationCode: {
          authorizationUrl: `${issuer}/v1/authorize`,
          tokenUrl: `${issuer}/v1/token`,
          scopes: { 'messages:read': expect.any(String), 'messages:write': expect.any(String) },
        },
      },
    });
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('offers DPoP (RFC 9449): the Authorization header with the DPoP scheme, and the DPoP proof header', () => {
    const { dpop, 'dpop-proof': proof } = document.components.securitySchemes;
    expect(dpop).toEqual({
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      description: expect.stringContaining('`DPoP <access token>`'),
    });
    expect(proof).toEqual({
      type: 'apiKey',
      in: 'header',
      name: 'DPoP',
      description: expect.stringMatching(/dpop\+jwt.*`jti`.*`htm`.*`htu`.*`iat`.*`ath`.*`nonce`/s),
    });
  });

  it('lists every route the app serves, each with its scopes and error responses', () => {
    const routes = servedRoutes(env);
    expect(routes.length).toBeGreaterThanOrEqual(8);
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method} ${path}`),
    );
    expect(documented.sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());

    for (const route of routes) {
      const operation = document.paths[route.path][route.method];
      if (route.isPublic) {
        expect(operation.security ?? []).toEqual([]);
        continue;
      }
      const schemes = Object.assign({}, ...(operation.security ?? [])) as Record<string, string[]>;
      expect({ route: route.path, scopes: schemes.oauth2 }).toEqual({
        route: route.path,
        scopes: route.scopes ?? [],
      });
      expect(schemes.bearer).toEqual([]);
      // DPoP: the token and its proof, together in one requirement.
      expect(operation.security).toContainEqual({ dpop: [], 'dpop-proof': [] });
      for (const status of ['401', '429']) expect(Object.keys(operation.responses)).toContain(status);
      if (route.scopes?.length) expect(Object.keys(operation.responses)).toContain('403');
    }
  });

  it('documents the request body and the page query', () => {
    const post = document.paths['/api/messages'].post as Operation & {
      requestBody: { content: Record<string, unknown> };
    };
    expect(JSON.stringify(post.requestBody)).toContain('CreateMessageDto');
    const list = document.paths['/api/messages'].get as Operation & { parameters: { name: string }[] };
    expect(list.parameters.map((parameter) => parameter.name).sort()).toEqual(['cursor', 'limit']);
  });

  it('gives each error status its own examples, each in the contract shape', () => {
    const examplesOf = (path: string, method: string, status: string) => {
      const response = document.paths[path][method].responses[status] as {
        content: { 'application/json': { examples: Record<string, { value: Record<string, unknown> }> } };
      };
      return Object.fromEntries(
        Object.entries(response.content['application/json'].examples).map(([name, { value }]) => [
          name,
          value,
        ]),
      );
    };
    const list = (status: string) => examplesOf('/api/messages', 'get', status);
    for (const status of ['400', '401', '403', '429', '503']) {
      for (const value of Object.values(list(status))) {
        expect(value).toEqual({
          statusCode: Number(status),
          error: expect.any(String),
          message: expect.any(String),
        });
      }
    }
    expect(list('400').validation.message).toContain('limit must be');
    expect(list('400').invalid_request.message).toContain('Authorization header');
    expect(Object.keys(list('401'))).toEqual(
      expect.arrayContaining([
        'no_token',
        'expired',
        'invalid_dpop_proof',
        'use_dpop_nonce',
        'sender_constrained',
      ]),
    );
    const unauthorized = document.paths['/api/messages'].get.responses['401'] as {
      headers: Record<string, { description: string }>;
    };
    expect(unauthorized.headers['WWW-Authenticate'].description).toContain('DPoP algs="RS256 ES256"');
    expect(unauthorized.headers['DPoP-Nonce'].description).toContain('DPOP_NONCE=true');
    expect(list('401').no_token.message).toBe('a bearer access token is required');
    expect(Object.keys(list('403'))).toEqual(['insufficient_scope']);
    expect(list('429').caller.message).toContain('too many requests');
    expect(list('503').database.message).toContain('database');
    expect(examplesOf('/api/messages/{id}', 'get', '404').not_found.message).toBe('message not found');
    const admin = examplesOf('/api/admin/messages', 'get', '403');
    expect(Object.keys(admin).sort()).toEqual(['group', 'insufficient_scope']);
    expect(admin.group.message).toContain('groups');
  });

  it('leaks no configuration beyond the public issuer URLs', () => {
    const text = JSON.stringify(document);
    expect(text).not.toContain('sqlite');
    expect(text).not.toContain(env.api.config.okta.audiences[0]);
  });
});
