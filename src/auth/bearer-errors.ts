import type { StepUpRequirement } from '../config/app-config.js';
import { RefusalReason } from './refusal-reason.js';

/**
 * RFC 6750 errors, one class each. They carry what the response needs; `HttpErrorFilter`
 * is the one place that turns them into a status, a JSON body and `WWW-Authenticate`.
 */
export abstract class BearerError extends Error {
  abstract readonly status: number;
  /** RFC 6750 section 3.1 error code; undefined for a request that carried no credentials. */
  abstract readonly code:
    | 'invalid_request'
    | 'invalid_token'
    | 'insufficient_scope'
    | 'insufficient_user_authentication'
    | 'invalid_dpop_proof'
    | 'use_dpop_nonce'
    | undefined;
  /** Scopes to announce in the challenge (insufficient_scope only). */
  readonly scope?: string;
  /** RFC 9470 section 3: what a new sign-in must satisfy (insufficient_user_authentication only). */
  readonly acrValues?: readonly string[];
  readonly maxAge?: number;
  /** RFC 9449 9: a fresh nonce for the client to put in its next proof (use_dpop_nonce). */
  readonly dpopNonce?: string;

  constructor(
    readonly reason: RefusalReason,
    description: string,
  ) {
    super(description);
  }
}

/** An `Authorization` scheme this API takes (RFC 6750 Bearer, RFC 9449 DPoP). */
export type AuthScheme = 'bearer' | 'dpop';

/**
 * No credentials, or another scheme (section 3: no error code in the challenge). The challenge
 * offers every scheme in `schemes`: with DPOP_REQUIRED, Bearer is such another scheme.
 */
export class MissingTokenError extends BearerError {
  readonly status = 401;
  readonly code = undefined;
  constructor(
    readonly schemes: readonly AuthScheme[] = ['bearer', 'dpop'],
    reason = RefusalReason.MissingToken,
    description = 'a bearer access token is required',
  ) {
    super(reason, description);
  }
}

/** Token in the query string or body, a malformed header, or more than one method. */
export class InvalidRequestError extends BearerError {
  readonly status = 400;
  readonly code = 'invalid_request';
}

/** Expired, revoked, malformed, or invalid for any other reason. */
export class InvalidTokenError extends BearerError {
  readonly status = 401;
  readonly code = 'invalid_token';
}

export class InsufficientScopeError extends BearerError {
  readonly status = 403;
  readonly code = 'insufficient_scope';
  override readonly scope: string;
  constructor(scopes: readonly string[]) {
    super(RefusalReason.InsufficientScope, `this request needs the scope ${scopes.join(' ')}`);
    this.scope = scopes.join(' ');
  }
}

/**
 * RFC 9470: the token is valid but the sign-in behind it is not strong or recent enough for this
 * action. The challenge names the requirement so the client can sign in again to meet it.
 */
export class InsufficientUserAuthenticationError extends BearerError {
  readonly status = 401;
  readonly code = 'insufficient_user_authentication';
  override readonly acrValues: readonly string[];
  override readonly maxAge: number | undefined;
  constructor(reason: RefusalReason, description: string, requirement: StepUpRequirement) {
    super(reason, description);
    this.acrValues = requirement.acrValues;
    this.maxAge = requirement.maxAgeSeconds;
  }
}
