import { BadRequestException, RequestMethod, type ValidationError } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { performance } from 'node:perf_hooks';
import { AppValidationPipe } from './common/app-validation.pipe.js';
import { serveDirectRoutes } from './common/direct-route.js';
import { errorBody } from './common/http-error.filter.js';
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
 * Fastify's adapter, with the errors its router answers itself in the contract's shape. For a
 * malformed URL (400) or an over-long path parameter (414) the router answers before any hook
 * runs, so without this the body would be Fastify's, quoting the whole URL (query string, and a
 * token in it, included), with none of the security headers or the request id the hooks add. The
 * request log line and the metrics, which an `onResponse` hook writes for every other request, are
 * written for these when the response closes (`router-answers.ts`).
 */
export function createAdapter(config: AppConfig): FastifyAdapter {
  const headers = apiSecurityHeaders(securityHeaders(config));
  return new FastifyAdapter({
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
    ],
  });
  app.useGlobalPipes(
    new AppValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => {
        const messages = [...new Set(validationMessage(errors))];
        // A body with thousands of unknown fields must not answer with a message as large.
        if (messages.length > MAX_NAMED_PROBLEMS) {
          const more = messages.length - MAX_NAMED_PROBLEMS;
          messages.splice(MAX_NAMED_PROBLEMS, more, `and ${more} more`);
        }
        return new BadRequestException(messages.length > 0 ? messages.join('; ') : 'invalid request');
      },
    }),
  );
  app.enableCors({
    origin: config.corsOrigins,
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    // One string: @fastify/cors joins a list again on every response.
    exposedHeaders: 'Location, WWW-Authenticate, Retry-After, X-Request-Id',
    maxAge: 600,
    // In Fastify's preParsing hook rather than Nest's default onRequest one, which copies the CORS
    // headers onto the raw response so that responses Nest middleware writes itself carry them
    // (this app has none). That copy sends Node down its slower header path for every header of
    // every response: about 10% of the CPU of a GET under load. preParsing still runs before
    // body parsing, guards and handlers, for 404s too, so preflights and errors are unchanged. (The
    // 503 Nest's adapter answers while shutting down has no CORS headers either way: its hook runs
    // before Nest's own CORS hook too.)
    hook: 'preParsing',
  });
  useSecurityHeaders(app, config);
  batchResponseWrites(app.getHttpAdapter().getInstance());
  setupApiDocs(app, config);
  serveDirectRoutes(app);
  // Nest's adapter also parses form bodies, so an `access_token` sent that way (RFC 6750 2.2) is seen and refused.
  await app.init();
  // @fastify/cors answers an OPTIONS request without Origin or Access-Control-Request-Method (not a
  // preflight) with a plain-text 400; this answers it first, in the contract's JSON. After
  // init, so that the request-id hook (added then) runs before it.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      const { headers } = request;
      if (request.raw.method !== 'OPTIONS' || (headers.origin && headers['access-control-request-method']))
        return done();
      void reply
        .code(400)
        .send(errorBody(400, 'a CORS preflight needs an Origin and an Access-Control-Request-Method header'));
    });
  await app.getHttpAdapter().getInstance().ready();
}
