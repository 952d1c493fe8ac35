import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from 'helmet';
import type { AppConfig } from '../config/app-config.js';

/**
 * helmet's headers on every response. The middleware is built once here: @fastify/helmet builds
 * it again on every request (re-parsing the CSP), which showed up in profiles of the hot path.
 */
export function useSecurityHeaders(app: NestFastifyApplication, config: AppConfig): void {
  const issuerOrigin = config.okta.issuer ? [new URL(config.okta.issuer).origin] : [];
  const applyHeaders = helmet({
    // The API answers JSON; the only HTML is Swagger UI, whose scripts and styles are its own files.
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
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    applyHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
  });
}
