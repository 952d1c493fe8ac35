import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { AppConfig } from '../config/app-config.js';
import { DEFAULT_DEV_CLIENT_ID } from '../dev-issuer/okta-claims.js';
import { BEARER_SCHEME, OAUTH2_SCHEME } from './api-docs.decorators.js';
import { DPOP_SECURITY_SCHEMES } from './dpop-docs.js';
import { allowSignInPopups, serveOAuth2RedirectPage } from './oauth2-redirect.js';

export const DOCS_PATH = 'api/docs';
export const DOCS_JSON_PATH = 'api/docs-json';

export const SCOPES: Record<string, string> = {
  'messages:read': 'Read your messages (and, for admins, everyone’s)',
  'messages:write': 'Post and delete your messages',
};

/**
 * Swagger UI 5 shows a client_secret box for every authorization code flow, PKCE or not; this
 * API's clients are public (an Okta SPA app), so the box is hidden rather than left to mislead.
 */
const HIDE_CLIENT_SECRET =
  '.swagger-ui .auth-container .wrapper:has(> label[for^="client_secret_"]) { display: none; }';

/**
 * The client id Swagger UI signs in with, pre-filled: the Okta SPA app's (`OKTA_SPA_CLIENT_ID`),
 * or, with the built-in development issuer, the one its tokens carry (what `OKTA_CLIENT_IDS` allows).
 */
export function docsClientId(config: AppConfig): string | undefined {
  if (config.devIssuer !== undefined) return config.okta.clientIds[0] ?? DEFAULT_DEV_CLIENT_ID;
  return config.okta.spaClientId;
}

/** The OpenAPI document, built from the controllers' decorators. */
export function buildApiDocument(app: NestFastifyApplication, config: AppConfig): OpenAPIObject {
  const issuer = (config.okta.issuer ?? 'https://{yourOktaDomain}/oauth2/default').replace(/\/+$/, '');
  const builder = new DocumentBuilder()
    .setTitle('Okta messages API')
    .setDescription(
      'A resource server for `/api/messages` that trusts only valid Okta access tokens. ' +
        'Get a token with the authorization code flow with PKCE (`oauth2`), or send one you already have (`bearer`); ' +
        'a DPoP-bound token (RFC 9449) goes with a fresh proof for each request (`dpop` and `dpop-proof`).',
    )
    .setVersion('0.1.0')
    .addOAuth2(
      {
        type: 'oauth2',
        description:
          'Okta authorization server; authorization code flow with PKCE (public clients must use PKCE).',
        flows: {
          authorizationCode: {
            authorizationUrl: `${issuer}/v1/authorize`,
            tokenUrl: `${issuer}/v1/token`,
            scopes: SCOPES,
          },
        },
      },
      OAUTH2_SCHEME,
    )
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An Okta access token' },
      BEARER_SCHEME,
    );
  for (const [name, scheme] of Object.entries(DPOP_SECURITY_SCHEMES)) builder.addSecurity(name, scheme);
  return SwaggerModule.createDocument(app, builder.build());
}

/**
 * Swagger UI at /api/docs and the JSON at /api/docs-json: public, outside the token guard. The
 * document is built on the first request for it (then kept), not at start-up, where it cost about
 * 50 ms of every cold start.
 */
export function setupApiDocs(app: NestFastifyApplication, config: AppConfig): void {
  const clientId = docsClientId(config);
  allowSignInPopups(app);
  SwaggerModule.setup(DOCS_PATH, app, () => buildApiDocument(app, config), {
    jsonDocumentUrl: DOCS_JSON_PATH,
    raw: ['json'],
    customCss: HIDE_CLIENT_SECRET,
    swaggerOptions: {
      initOAuth: {
        ...(clientId === undefined ? {} : { clientId }),
        usePkceWithAuthorizationCodeGrant: true,
        scopes: Object.keys(SCOPES),
      },
      persistAuthorization: false,
    },
  });
  serveOAuth2RedirectPage(app);
}
