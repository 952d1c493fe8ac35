import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { BearerError } from '../auth/bearer-errors.js';
import { MissingGroupError } from '../auth/guards/groups.guard.js';
import { RefusalReason } from '../auth/refusal-reason.js';
import { isDatabaseUnavailable } from '../database/database-errors.js';
import type { Refusal } from '../logging/request-annotations.js';
import { IdempotencyConflictError, IdempotencyOutcome } from '../messages/idempotency/idempotency.error.js';
import { TooManyRequestsError } from '../rate-limit/too-many-requests.error.js';
import { DevIssuerNonceError } from '../web/dev-issuer-nonce.error.js';
import { ServiceUnavailableError } from './service-unavailable.error.js';

/** How an error is answered. `refusal` says why a caller was turned away, for logs and metrics. */
export interface ErrorResponse {
  status: number;
  message: string;
  headers: Record<string, string>;
  refusal?: Refusal;
  /** What a reused `Idempotency-Key` led to, for logs and metrics. */
  idempotency?: IdempotencyOutcome;
  /** Set for what is not the caller's doing: the filter logs it. */
  fault?: 'database' | 'unexpected';
}

const DATABASE_RETRY_AFTER_SECONDS = 2;
/** A twin in flight finishes within milliseconds, or is taken over after a lease of seconds. */
const IN_FLIGHT_RETRY_AFTER_SECONDS = 1;

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
  // RFC 9470 section 3: what a new sign-in must satisfy, acr values space-separated.
  if (error.acrValues?.length) parts.push(`acr_values="${quoteSafe(error.acrValues.join(' '))}"`);
  if (error.maxAge !== undefined) parts.push(`max_age="${error.maxAge}"`);
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

const retryAfter = (seconds: number) => ({ 'Retry-After': String(seconds) });

/** Maps any error to the contract's answer: status, message, headers. Pure: no I/O, no logging. */
export function describeError(exception: unknown): ErrorResponse {
  if (exception instanceof BearerError) {
    return {
      status: exception.status,
      message: exception.message,
      headers: { 'WWW-Authenticate': challenge(exception) },
      refusal: { code: exception.code ?? 'missing_token', reason: exception.reason },
    };
  }
  if (exception instanceof TooManyRequestsError) {
    return {
      status: 429,
      message: exception.message,
      headers: retryAfter(exception.retryAfterSeconds),
      refusal: { code: 'rate_limited', reason: exception.limit },
    };
  }
  if (exception instanceof ServiceUnavailableError) {
    return { status: 503, message: exception.message, headers: retryAfter(exception.retryAfterSeconds) };
  }
  if (exception instanceof IdempotencyConflictError) {
    const { outcome, message } = exception;
    const status = outcome === IdempotencyOutcome.BodyMismatch ? 422 : 409;
    const headers = outcome === IdempotencyOutcome.InFlight ? retryAfter(IN_FLIGHT_RETRY_AFTER_SECONDS) : {};
    return { status, message, headers, idempotency: outcome };
  }
  if (exception instanceof DevIssuerNonceError) {
    return { status: 400, message: exception.message, headers: { 'DPoP-Nonce': exception.nonce } };
  }
  if (exception instanceof MissingGroupError) {
    const refusal = { code: 'insufficient_group', reason: RefusalReason.InsufficientGroup };
    return { status: 403, message: httpExceptionMessage(exception), headers: {}, refusal };
  }
  if (exception instanceof HttpException) {
    return { status: exception.getStatus(), message: httpExceptionMessage(exception), headers: {} };
  }
  if (isDatabaseUnavailable(exception)) {
    return {
      status: 503,
      message: 'the database is unavailable; try again shortly',
      headers: retryAfter(DATABASE_RETRY_AFTER_SECONDS),
      fault: 'database',
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
  return { status: 500, message: 'internal server error', headers: {}, fault: 'unexpected' };
}
