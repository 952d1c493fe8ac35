import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { BearerError, MissingTokenError, type AuthScheme } from '../auth/bearer-errors.js';
import { DPOP_ALGORITHMS } from '../auth/dpop/dpop-proof.js';
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

const CHALLENGES: Record<AuthScheme, string> = {
  bearer: 'Bearer realm="api"',
  // RFC 9449 7.1: the DPoP challenge names the proof algorithms this API takes.
  dpop: `DPoP algs="${DPOP_ALGORITHMS.join(' ')}"`,
};

/**
 * RFC 6750 section 3 (and RFC 9449 7.1 under DPoP): the challenge, in the scheme the client used;
 * without credentials, one challenge per scheme offered. Descriptions never contain a `"` (they are
 * quoted-strings).
 */
function challenge(error: BearerError, scheme: AuthScheme): string {
  if (error instanceof MissingTokenError) return error.schemes.map((name) => CHALLENGES[name]).join(', ');
  const parts = [CHALLENGES[scheme]];
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

/**
 * Maps any error to the contract's answer: status, message, headers. Pure: no I/O, no logging.
 * `scheme` is the `Authorization` scheme the request used (Bearer when it used none).
 */
export function describeError(exception: unknown, scheme: AuthScheme = 'bearer'): ErrorResponse {
  if (exception instanceof BearerError) {
    const headers: Record<string, string> = { 'WWW-Authenticate': challenge(exception, scheme) };
    if (exception.dpopNonce !== undefined) headers['DPoP-Nonce'] = exception.dpopNonce;
    return {
      status: exception.status,
      message: exception.message,
      headers,
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
