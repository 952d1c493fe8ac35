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
 * The headers for a JSON response: the set the OWASP REST Security Cheat Sheet lists for every API
 * response (its "Security Headers"). helmet's other headers only act on a document a browser
 * renders (scripts, frames, referrers, prefetching, popups), and a JSON answer loads nothing, so
 * its policy says exactly that: `default-src 'none'`, stricter than the page's. `no-store` keeps a
 * caller's messages out of browser and proxy caches. Strict-Transport-Security is the page's own.
 */
export function apiSecurityHeaders(pageHeaders: Record<string, string>): Record<string, string> {
  const hsts = pageHeaders['strict-transport-security'];
  return {
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    ...(hsts === undefined ? {} : { 'strict-transport-security': hsts }),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
  };
}

const JSON_TYPE = /^\s*application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/** Whether a `Content-Type` is JSON: Fastify's `application/json; charset=utf-8`, or a `+json` type. */
export function isJson(contentType: unknown): boolean {
  return typeof contentType === 'string' && JSON_TYPE.test(contentType);
}

/**
 * Security headers on every response, errors, 404s and preflights included, chosen once the
 * response's type is known: {@link apiSecurityHeaders} for JSON, helmet's full set for everything
 * else (the demo page, Swagger UI, scripts, stylesheets, empty answers). Both sets are built once.
 * A header the route already set (the page's `X-Frame-Options: DENY`) is kept.
 * A JSON answer loads nothing, so helmet's document-only headers would be weight without effect.
 */
export function useSecurityHeaders(app: NestFastifyApplication, config: AppConfig): void {
  const forPage = securityHeaders(config);
  const page = Object.entries(forPage);
  const api = Object.entries(apiSecurityHeaders(forPage));
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', (_request, reply, payload, done) => {
      for (const [name, value] of isJson(reply.getHeader('content-type')) ? api : page) {
        if (!reply.hasHeader(name)) void reply.header(name, value);
      }
      done(null, payload);
    });
}
