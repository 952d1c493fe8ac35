import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { AppConfig } from '../config/app-config.js';
import { BEARER_SCHEME, OAUTH2_SCHEME } from './api-docs.decorators.js';

export const DOCS_PATH = 'api/docs';
export const DOCS_JSON_PATH = 'api/docs-json';

export const SCOPES: Record<string, string> = {
  'messages:read': 'Read your messages (and, for admins, everyone’s)',
  'messages:write': 'Post and delete your messages',
};

/** The OpenAPI document, built from the controllers' decorators. */
export function buildApiDocument(app: NestFastifyApplication, config: AppConfig): OpenAPIObject {
  const issuer = (config.okta.issuer ?? 'https://{yourOktaDomain}/oauth2/default').replace(/\/+$/, '');
  const builder = new DocumentBuilder()
    .setTitle('Okta messages API')
    .setDescription(
      'A resource server for `/api/messages` that trusts only valid Okta access tokens. ' +
        'Get a token with the authorization code flow with PKCE (`oauth2`), or send one you already have (`bearer`).',
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
  return SwaggerModule.createDocument(app, builder.build());
}

/**
 * Swagger UI at /api/docs and the JSON at /api/docs-json: public, outside the token guard. The
 * document is built on the first request for it (then kept), not at start-up, where it cost about
 * 50 ms of every cold start.
 */
export function setupApiDocs(app: NestFastifyApplication, config: AppConfig): void {
  SwaggerModule.setup(DOCS_PATH, app, () => buildApiDocument(app, config), {
    jsonDocumentUrl: DOCS_JSON_PATH,
    raw: ['json'],
    swaggerOptions: {
      initOAuth: { usePkceWithAuthorizationCodeGrant: true, scopes: Object.keys(SCOPES) },
      persistAuthorization: false,
    },
  });
}
