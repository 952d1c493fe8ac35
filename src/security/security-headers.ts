import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppConfig } from '../config/app-config.js';

/** helmet for this configuration: the API answers JSON; the only HTML is the demo page and Swagger UI. */
export function helmetFor(config: AppConfig): ReturnType<typeof helmet> {
  const issuerOrigin = config.okta.issuer ? [new URL(config.okta.issuer).origin] : [];
  return helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", ...issuerOrigin],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        // TLS is the proxy's business (and HSTS's); upgrading would break Swagger UI on plain http in development.
        upgradeInsecureRequests: null,
      },
    },
  });
}

/**
 * helmet's headers for this configuration, computed once by running helmet against a response that
 * records them. None of them depends on the request (no CSP nonce is configured), so every
 * response gets the same set. Names are lower-cased, as Fastify stores them, so that it does
 * not lower-case a fresh copy of each on every response.
 */
export function securityHeaders(config: AppConfig): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]): void {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string): void {
      delete headers[name.toLowerCase()];
    },
  };
  let outcome: { error?: unknown } | undefined;
  helmetFor(config)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    outcome = { error };
  });
  if (outcome === undefined) throw new Error('helmet did not set its headers synchronously');
  if (outcome.error !== undefined)
    throw new Error('helmet refused its configuration', { cause: outcome.error });
  return headers;
}

/**
 * helmet's headers on every response. Running helmet's twelve middlewares per request, each
 * calling `res.setHeader`, cost about 4% of the CPU of a request under load (and @fastify/helmet
 * rebuilds them per request); handing Fastify the precomputed set is one call.
 */
export function useSecurityHeaders(app: NestFastifyApplication, config: AppConfig): void {
  const headers = securityHeaders(config);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      void reply.headers(headers);
      done();
    });
}
