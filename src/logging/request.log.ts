import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Level, Logger } from 'pino';
import { siteOf, type AuthenticatedRequest } from '../auth/principal.js';
import { annotations } from './request-annotations.js';
import { ROOT_LOGGER } from './root-logger.js';

/** An error message in a log line is cut here: a 400 may name many fields. */
const MAX_MESSAGE_CHARS = 300;

/** Swagger UI's page and assets: many requests per page load, of no interest at `info`. */
const DOCS_ROUTE = /^\/api\/docs(?:[/-]|$)/;

/**
 * The one line per request, written by the request-completion hook. Method and path only: never a
 * header (Authorization), the query string (a misplaced token) or a body.
 */
@Injectable()
export class RequestLog {
  constructor(@Inject(ROOT_LOGGER) private readonly logger: Logger) {}

  /** `route` is the matched route's pattern, undefined for a 404 and for what the router answers itself. */
  write(request: FastifyRequest, reply: FastifyReply, route: string | undefined, elapsedMs: number): void {
    const statusCode = reply.statusCode;
    const level: Level = statusCode >= 500 ? 'error' : route && DOCS_ROUTE.test(route) ? 'debug' : 'info';
    if (!this.logger.isLevelEnabled(level)) return;
    const authenticated = request as FastifyRequest & AuthenticatedRequest;
    const principal = authenticated.principal;
    const { refusal, message, idempotency } = annotations(request.raw) ?? {};
    const line = {
      reqId: request.id,
      req: { method: request.method, path: request.url.split('?')[0] },
      route,
      res: { statusCode },
      durationMs: Math.round(elapsedMs * 100) / 100,
      // The TCP peer, or the client a proxy in TRUST_PROXY forwarded.
      client: request.ip,
      site: siteOf(authenticated) || undefined,
      sub: principal?.sub,
      cid: principal?.cid ?? undefined,
      refusal: refusal?.reason,
      refusalCode: refusal?.code,
      idempotency,
      // A refusal's reason says it all; other errors say what was wrong (the fields of a 400).
      detail: refusal ? undefined : message?.slice(0, MAX_MESSAGE_CHARS),
    };
    this.logger[level](line, statusCode >= 500 ? 'request failed' : 'request completed');
  }
}
