import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiOAuth2, ApiResponse, ApiSecurity } from '@nestjs/swagger';
import { DPOP_REQUIREMENT } from './dpop-docs.js';
import { errorResponse, type ErrorCase } from './error-responses.js';

export const OAUTH2_SCHEME = 'oauth2';
export const BEARER_SCHEME = 'bearer';

/** The contract's error body for each listed case, with an example of each way it happens. */
export function ApiErrors(...cases: ErrorCase[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...cases.map((errorCase) => ApiResponse(errorResponse(errorCase))));
}

/**
 * The route needs an Okta access token with these scopes: offered as OAuth 2.0 (authorization
 * code with PKCE against the issuer), as a bearer token obtained elsewhere, or as a DPoP-bound
 * token with its proof.
 */
export function ApiToken(...scopes: string[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiOAuth2(scopes, OAUTH2_SCHEME),
    ApiBearerAuth(BEARER_SCHEME),
    ApiSecurity(DPOP_REQUIREMENT),
    ApiErrors(400, 401, ...(scopes.length > 0 ? ([403] as const) : []), 429, 503),
  );
}
