import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Where Swagger UI sends the browser back after sign-in: it computes `oauth2-redirect.html` beside
 * the page's own path, so `/api/docs` uses `/api/oauth2-redirect.html` and `/api/docs/` uses
 * `/api/docs/oauth2-redirect.html`. Both are served, with the same page.
 */
export const OAUTH2_REDIRECT_PATHS = ['/api/oauth2-redirect.html', '/api/docs/oauth2-redirect.html'] as const;

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
