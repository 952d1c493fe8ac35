import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiOAuth2, ApiResponse } from '@nestjs/swagger';
import { errorResponse, type ErrorCase } from './error-responses.js';

export const OAUTH2_SCHEME = 'oauth2';
export const BEARER_SCHEME = 'bearer';

/** The contract's error body for each listed case, with an example of each way it happens. */
export function ApiErrors(...cases: ErrorCase[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...cases.map((errorCase) => ApiResponse(errorResponse(errorCase))));
}

/**
 * The route needs an Okta access token with these scopes: offered as OAuth 2.0 (authorization
 * code with PKCE against the issuer) or as a bearer token obtained elsewhere.
 */
export function ApiToken(...scopes: string[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiOAuth2(scopes, OAUTH2_SCHEME),
    ApiBearerAuth(BEARER_SCHEME),
    ApiErrors(400, 401, ...(scopes.length > 0 ? ([403] as const) : []), 429, 503),
  );
}
