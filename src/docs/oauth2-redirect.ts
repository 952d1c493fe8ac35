import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Where Swagger UI sends the browser back after sign-in: it computes `oauth2-redirect.html` beside
 * the page's own path, so `/api/docs` uses `/api/oauth2-redirect.html` and `/api/docs/` uses
 * `/api/docs/oauth2-redirect.html`. Both are served, with the same page.
 */
export const OAUTH2_REDIRECT_PATHS = ['/api/oauth2-redirect.html', '/api/docs/oauth2-redirect.html'] as const;

/** Swagger UI's own page, at each address SwaggerModule serves it. */
const DOCS_PAGE_PATHS = new Set(['/api/docs', '/api/docs/', '/api/docs/index.html']);

/** swagger-ui-dist's page, with its script by absolute path so that one page serves both URLs. */
const PAGE =
  '<!doctype html>\n<html lang="en-US">\n<head><title>Signing in</title></head>\n' +
  '<body>\n<script src="/api/docs/oauth2-redirect.js"></script>\n</body>\n</html>\n';

/**
 * The page hands the authorization code to Swagger UI through `window.opener`. With
 * `Cross-Origin-Opener-Policy: same-origin` the browser cuts that link as soon as the popup comes
 * back from the issuer (another origin), so this page opts out; the security-headers hook keeps a
 * header a route set itself. The page shows nothing and runs only swagger-ui-dist's own script.
 */
export function serveOAuth2RedirectPage(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  for (const url of OAUTH2_REDIRECT_PATHS) {
    fastify.get(url, (_request, reply) => {
      void reply
        .type('text/html; charset=utf-8')
        .header('cross-origin-opener-policy', 'unsafe-none')
        .header('cache-control', 'no-cache')
        .send(PAGE);
    });
  }
}

/**
 * Swagger UI signs in through a popup that visits the issuer (another origin). Under
 * `Cross-Origin-Opener-Policy: same-origin` that visit cuts the popup from this page for good;
 * `same-origin-allow-popups` keeps the link to popups this page opens, and still keeps other
 * origins from holding a reference to it. Set per route (before SwaggerModule registers the
 * pages), so no other response pays for it; the security-headers hook keeps a header a route set.
 */
export function allowSignInPopups(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      if (!DOCS_PAGE_PATHS.has(route.url)) return;
      const own = route.onRequest === undefined ? [] : [route.onRequest].flat();
      route.onRequest = [
        ...own,
        (_request, reply, done) => {
          void reply.header('cross-origin-opener-policy', 'same-origin-allow-popups');
          done();
        },
      ];
    });
}
