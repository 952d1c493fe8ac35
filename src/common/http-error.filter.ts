import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, Optional } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { BearerError } from '../auth/bearer-errors.js';
import { MissingGroupError } from '../auth/guards/groups.guard.js';
import { annotate, reasonLabel, type Refusal } from '../logging/request-annotations.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { RateLimiters } from '../rate-limit/rate-limiters.js';
import { TooManyRequestsError } from '../rate-limit/too-many-requests.error.js';
import { isDatabaseUnavailable } from '../database/database-errors.js';
import { ServiceUnavailableError } from './service-unavailable.error.js';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

/** The contract's error body for `status`: `error` is the status's reason phrase. */
export function errorBody(status: number, message: string): ErrorBody {
  return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
}

interface ErrorResponse {
  status: number;
  message: string;
  headers: Record<string, string>;
}

const DATABASE_RETRY_AFTER_SECONDS = 2;

/** Messages for errors raised by Fastify itself; theirs may quote the request body. */
const FRAMEWORK_MESSAGES: Record<number, string> = {
  400: 'malformed request body',
  413: 'request body too large',
  415: 'unsupported content type; send application/json',
};

/** RFC 6750 section 3: the challenge. Descriptions never contain a `"` (they are quoted-strings). */
function challenge(error: BearerError): string {
  const parts = ['Bearer realm="api"'];
  if (error.code) {
    parts.push(`error="${error.code}"`);
    if (error.scope) parts.push(`scope="${quoteSafe(error.scope)}"`);
    else parts.push(`error_description="${quoteSafe(error.message)}"`);
  }
  return parts.join(', ');
}

function quoteSafe(text: string): string {
  return text.replace(/["\\]/g, "'");
}

function httpExceptionMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const { message } = response as { message?: unknown };
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

function frameworkStatus(exception: unknown): number | undefined {
  const status = (exception as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/** Why authentication or authorization refused the request, for logs and metrics; undefined otherwise. */
function refusalOf(exception: unknown): Refusal | undefined {
  if (exception instanceof BearerError) {
    return {
      code: exception.code ?? 'missing_token',
      reason:
        exception.code === undefined
          ? 'missing_token'
          : exception.code === 'insufficient_scope'
            ? 'insufficient_scope'
            : reasonLabel(exception.message),
    };
  }
  if (exception instanceof MissingGroupError)
    return { code: 'insufficient_group', reason: 'insufficient_group' };
  return undefined;
}

/** Longer paths are cut in the message that names an unknown route. */
const MAX_PATH_IN_MESSAGE = 100;

/**
 * Nest's message for an unknown route, `Cannot GET <url>`, quotes the query string, which may hold
 * a token (`?access_token=`); the message names the path only, and at most its first 100 characters.
 */
function withoutQuery(message: string, request: FastifyRequest): string {
  const raw = request.raw as typeof request.raw & { originalUrl?: string };
  const url = raw.originalUrl ?? raw.url ?? '';
  if (message !== `Cannot ${raw.method} ${url}`) return message;
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const shown = path.length > MAX_PATH_IN_MESSAGE ? `${path.slice(0, MAX_PATH_IN_MESSAGE)}…` : path;
  return `Cannot ${raw.method} ${shown}`;
}

/**
 * The one place that writes an error response: `{statusCode, error, message}` for every error,
 * `WWW-Authenticate` for bearer errors, `Retry-After` for 503. Never a stack, never a token.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  constructor(
    @Optional() private readonly limiters?: RateLimiters,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  describe(exception: unknown): ErrorResponse {
    if (exception instanceof BearerError) {
      return {
        status: exception.status,
        message: exception.message,
        headers: { 'WWW-Authenticate': challenge(exception) },
      };
    }
    if (exception instanceof TooManyRequestsError) {
      this.metrics?.countRateLimited(exception.limit);
      return {
        status: 429,
        message: exception.message,
        headers: { 'Retry-After': String(exception.retryAfterSeconds) },
      };
    }
    if (exception instanceof ServiceUnavailableError) {
      return {
        status: 503,
        message: exception.message,
        headers: { 'Retry-After': String(exception.retryAfterSeconds) },
      };
    }
    if (exception instanceof HttpException) {
      return { status: exception.getStatus(), message: httpExceptionMessage(exception), headers: {} };
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(`database unavailable: ${(exception as Error).message}`);
      return {
        status: 503,
        message: 'the database is unavailable; try again shortly',
        headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
      };
    }
    const status = frameworkStatus(exception);
    if (status !== undefined) {
      return {
        status,
        message: FRAMEWORK_MESSAGES[status] ?? STATUS_CODES[status] ?? 'bad request',
        headers: {},
      };
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    return { status: 500, message: 'internal server error', headers: {} };
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const described = this.describe(exception);
    const { status, headers } = described;
    const message = withoutQuery(described.message, request);
    const body = errorBody(status, message);
    const refusal = refusalOf(exception);
    if (refusal) {
      annotate(request.raw, { refusal });
      // Only refused credentials count against the address: a missing scope or group is a valid caller.
      if (status === 400 || status === 401) this.limiters?.recordRefusal(request.ip);
    }
    const reply = http.getResponse<FastifyReply>();
    void reply.status(status).headers(headers).send(body);
  }
}
