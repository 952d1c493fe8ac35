import { BadRequestException, RequestMethod, type ValidationError } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppValidationPipe } from './common/app-validation.pipe.js';
import { batchResponseWrites } from './common/write-batching.js';
import type { AppConfig } from './config/app-config.js';
import { setupApiDocs } from './docs/api-docs.js';
import { useSecurityHeaders } from './security/security-headers.js';

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
  // Nest's adapter also parses form bodies, so an `access_token` sent that way (RFC 6750 2.2) is seen and refused.
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
}
