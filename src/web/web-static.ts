import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Built files live in dist/web/public (compiled .ts plus copied assets); in tests, beside the sources. */
export const WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), 'public');

/** The Okta Sign-In Widget's own build, served from the installed package: no CDN. */
export const WIDGET_ROOT = join(
  dirname(createRequire(import.meta.url).resolve('@okta/okta-signin-widget/package.json')),
  'dist',
);
export const WIDGET_PREFIX = '/vendor/okta-signin-widget/';

/** okta-auth-js, pinned to the version the widget bundles, for token storage and renewal. */
export const AUTH_JS_ROOT = join(
  dirname(createRequire(import.meta.url).resolve('@okta/okta-auth-js/package.json')),
  'dist',
);
export const AUTH_JS_PREFIX = '/vendor/okta-auth-js/';

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/**
 * The demo page at `/`. Fastify serves these files directly, outside Nest's guards, so they are
 * public; `wildcard: false` registers only the files that exist, leaving every other path to Nest.
 */
export async function registerWebStatic(app: NestFastifyApplication): Promise<void> {
  const setHeaders = (reply: FastifyReply): void => {
    void reply.headers(SECURITY_HEADERS);
  };
  await app.register(fastifyStatic, {
    root: WEB_ROOT,
    prefix: '/',
    wildcard: false,
    index: 'index.html',
    setHeaders,
  });
  await app.register(fastifyStatic, {
    root: WIDGET_ROOT,
    prefix: WIDGET_PREFIX,
    wildcard: false,
    decorateReply: false,
    setHeaders,
  });
  await app.register(fastifyStatic, {
    root: AUTH_JS_ROOT,
    prefix: AUTH_JS_PREFIX,
    wildcard: false,
    decorateReply: false,
    setHeaders,
  });
}
