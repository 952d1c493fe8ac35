import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiOAuth2, ApiResponse } from '@nestjs/swagger';
import { ErrorModel } from './api-models.js';

export const OAUTH2_SCHEME = 'oauth2';
export const BEARER_SCHEME = 'bearer';

const ERRORS: Record<number, string> = {
  400: 'Invalid body or query (the message names each field), or a token sent outside the Authorization header',
  401: 'No bearer token, or the token is invalid (`WWW-Authenticate: Bearer error="invalid_token"`)',
  403: 'The token lacks a required scope (`insufficient_scope`) or the caller a required group',
  404: 'No such message, or not one the caller may see',
  429: 'Rate limit exceeded; `Retry-After` says when to retry',
  503: 'The signing keys or the database are unavailable; `Retry-After` is set',
};

/** The contract's error body for each listed status. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: ERRORS[status], type: ErrorModel })),
  );
}

/**
 * The route needs an Okta access token with these scopes: offered as OAuth 2.0 (authorization
 * code with PKCE against the issuer) or as a bearer token obtained elsewhere.
 */
export function ApiToken(...scopes: string[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiOAuth2(scopes, OAUTH2_SCHEME),
    ApiBearerAuth(BEARER_SCHEME),
    ApiErrors(400, 401, ...(scopes.length > 0 ? [403] : []), 429, 503),
  );
}
