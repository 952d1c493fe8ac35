import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The page's files: compiled .ts plus copied assets in dist/web/public. Resolved from the entry
 * point's folder (`dist/`).
 */
export function webRoot(entryUrl: string): string {
  return join(dirname(fileURLToPath(entryUrl)), 'web', 'public');
}

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

/** jose's Web Crypto build (ES modules), for the development sign-in's DPoP proofs. */
export const JOSE_ROOT = join(
  dirname(createRequire(import.meta.url).resolve('jose/package.json')),
  'dist',
  'webapi',
);
export const JOSE_PREFIX = '/vendor/jose/';

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/**
 * The demo page at `/`. Fastify serves these files directly, outside Nest's guards, so they are
 * public. The page's own few files are registered one route each (`wildcard: false`), leaving
 * every other path to Nest. The vendor packages hold over 1,300 files: one wildcard route per
 * prefix serves them, since a route per file slows start-up (and a missing
 * file under a prefix still answers the API's JSON 404).
 */
export async function registerWebStatic(app: NestFastifyApplication, root: string): Promise<void> {
  const setHeaders = (reply: FastifyReply): void => {
    void reply.headers(SECURITY_HEADERS);
  };
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: 'index.html',
    setHeaders,
  });
  await app.register(fastifyStatic, {
    root: WIDGET_ROOT,
    prefix: WIDGET_PREFIX,
    wildcard: true,
    decorateReply: false,
    setHeaders,
  });
  for (const [root, prefix] of [
    [AUTH_JS_ROOT, AUTH_JS_PREFIX],
    [JOSE_ROOT, JOSE_PREFIX],
  ]) {
    await app.register(fastifyStatic, { root, prefix, wildcard: true, decorateReply: false, setHeaders });
  }
}
