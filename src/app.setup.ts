import { BadRequestException, RequestMethod, type ValidationError } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { performance } from 'node:perf_hooks';
import { AppValidationPipe } from './common/app-validation.pipe.js';
import { errorBody } from './common/error-body.js';
import { routerAnswerObserver } from './common/router-answers.js';
import { batchResponseWrites } from './common/write-batching.js';
import type { AppConfig } from './config/app-config.js';
import { setupApiDocs } from './docs/api-docs.js';
import { apiSecurityHeaders, securityHeaders, useSecurityHeaders } from './security/security-headers.js';

/** A 400 for bad input names at most this many problems, then how many more there were. */
const MAX_NAMED_PROBLEMS = 20;

/** Names every bad field: `text must be ...; property foo should not exist`. */
function validationMessage(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = `${prefix}${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((text) =>
      text.startsWith(error.property) || text.startsWith('property') ? text : `${path}: ${text}`,
    );
    return [...own, ...validationMessage(error.children ?? [], `${path}.`)];
  });
}

/** Messages for the errors Fastify's router answers itself, which would quote the whole URL. */
const ROUTER_ERRORS: Record<string, string> = {
  FST_ERR_BAD_URL: 'malformed URL: a percent-encoded sequence is not valid',
  FST_ERR_MAX_PARAM_LENGTH: 'a path segment is too long',
};

/**
 * Fastify's adapter, with the request limits of the configuration, and the errors its router
 * answers itself (a malformed URL 400, an over-long path segment 414) in the contract's shape:
 * the router answers those before any hook runs, and its own body would quote the whole URL
 * (a token in the query string included).
 */
export function createAdapter(config: AppConfig): FastifyAdapter {
  const headers = apiSecurityHeaders(securityHeaders(config));
  const { bodyLimitBytes, headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs } = config.http;
  return new FastifyAdapter({
    // proxy-addr: X-Forwarded-For is read only from these peers, and `request.ip` is its rightmost
    // address that is not one of them. Fastify then also believes their X-Forwarded-Host and
    // -Proto (`request.hostname`, `request.protocol`), which nothing here reads.
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    bodyLimit: bodyLimitBytes,
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    // Node checks these timeouts every `connectionsCheckingInterval` (30 s by default).
    http: { headersTimeout: headersTimeoutMs, connectionsCheckingInterval: Math.min(1000, headersTimeoutMs) },
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const started = performance.now();
      const status = error.statusCode ?? 400;
      const observe = routerAnswerObserver(request.server);
      if (observe) reply.raw.once('close', () => observe(request, reply, performance.now() - started));
      void reply
        .code(status)
        .headers({ ...headers, 'x-request-id': request.id })
        .send(errorBody(status, ROUTER_ERRORS[error.code] ?? 'bad request'));
    },
  });
}

/** Everything about the HTTP surface that the app and the e2e tests must share. */
export async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      // Okta's event hooks are not an API route (RevocationModule; absent without its secret).
      { path: 'hooks/okta', method: RequestMethod.ALL },
    ],
  });
  app.useGlobalPipes(
    new AppValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => {
        const messages = [...new Set(validationMessage(errors))];
        if (messages.length > MAX_NAMED_PROBLEMS) {
          const more = messages.length - MAX_NAMED_PROBLEMS;
          messages.splice(MAX_NAMED_PROBLEMS, more, `and ${more} more`);
        }
        return new BadRequestException(messages.length > 0 ? messages.join('; ') : 'invalid request');
      },
    }),
  );
  // @fastify/cors answers an OPTIONS request without Origin or Access-Control-Request-Method (not a
  // preflight) with a plain-text 400; this hook, which runs before it, answers in the contract's JSON.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      const { headers } = request;
      if (request.method !== 'OPTIONS' || (headers.origin && headers['access-control-request-method']))
        return done();
      void reply
        .code(400)
        .send(errorBody(400, 'a CORS preflight needs an Origin and an Access-Control-Request-Method header'));
    });
  app.enableCors({
    origin: config.corsOrigins,
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'Idempotency-Key', 'DPoP'],
    exposedHeaders: [
      'Location',
      'WWW-Authenticate',
      'Retry-After',
      'X-Request-Id',
      'Idempotent-Replayed',
      'DPoP-Nonce',
    ],
    maxAge: 600,
    // In preParsing (still before any body is read) rather than Nest's onRequest hook, which runs
    // before every hook of this app: the JSON answer above must come first.
    hook: 'preParsing',
  });
  // A route that must take a larger body than BODY_LIMIT_BYTES says so in its Fastify route config
  // (`@RouteConfig({ bodyLimit })`): Okta's event batches. Set before app.init() adds the routes.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      const { bodyLimit } = (route.config ?? {}) as { bodyLimit?: unknown };
      if (typeof bodyLimit === 'number') route.bodyLimit = bodyLimit;
    });
  useSecurityHeaders(app, config);
  batchResponseWrites(app.getHttpAdapter().getInstance());
  setupApiDocs(app, config);
  // Nest's adapter also parses form bodies, so an `access_token` sent that way (RFC 6750 2.2) is seen and refused.
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
}
