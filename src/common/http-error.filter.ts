import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from '../auth/principal.js';
import { annotate } from '../logging/request-annotations.js';
import { describeError } from './describe-error.js';
import { errorBody } from './error-body.js';

/** Longer paths are cut in the message that names an unknown route. */
const MAX_PATH_IN_MESSAGE = 100;

/**
 * Nest's message for an unknown route, `Cannot GET <url>`, quotes the query string, which may hold
 * a token (`?access_token=`); the message names the path only, and at most its first 100 characters.
 */
function withoutQuery(message: string, request: FastifyRequest): string {
  const url = request.raw.url ?? '';
  if (message !== `Cannot ${request.method} ${url}`) return message;
  const path = url.split('?')[0];
  const shown = path.length > MAX_PATH_IN_MESSAGE ? `${path.slice(0, MAX_PATH_IN_MESSAGE)}…` : path;
  return `Cannot ${request.method} ${shown}`;
}

/**
 * The one place that writes an error response: `{statusCode, error, message}` for every error,
 * `WWW-Authenticate` for bearer errors, `Retry-After` for 429 and 503. Never a stack, never a token.
 * What it answered is left on the request for the request-completion hook to log and count.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const { authScheme } = request as FastifyRequest & AuthenticatedRequest;
    const { status, headers, refusal, fault, idempotency, ...described } = describeError(
      exception,
      authScheme,
    );
    const message = withoutQuery(described.message, request);
    if (fault === 'unexpected')
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    if (fault === 'database') this.logger.warn(`database unavailable: ${(exception as Error).message}`);
    annotate(request.raw, { refusal, message, idempotency });
    void http.getResponse<FastifyReply>().status(status).headers(headers).send(errorBody(status, message));
  }
}
