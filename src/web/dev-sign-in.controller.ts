import {
  BadRequestException,
  Body,
  Controller,
  Headers,
  HttpCode,
  Inject,
  NotFoundException,
  Post,
  UseGuards,
} from '@nestjs/common';
import { Public } from '../auth/decorators/public.decorator.js';
import { ServiceUnavailableError } from '../common/service-unavailable.error.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/app-config.js';
import { tokenEndpointOf } from '../dev-issuer/issuer-url.js';
import { DEFAULT_DEV_CLIENT_ID, SECOND_FACTOR_SIGN_IN } from '../dev-issuer/okta-claims.js';
import { DevIssuerNonceError } from './dev-issuer-nonce.error.js';
import { DevTokenDto } from './dto/dev-token.dto.js';
import { LoopbackHostGuard } from './loopback-host.guard.js';
import { devSignInEnabled, WEB_SCOPES } from './web-config.js';

export interface DevTokenResponse {
  access_token: string;
  /** `DPoP` when the request carried a DPoP proof: the token is bound to its key. */
  token_type: 'Bearer' | 'DPoP';
  expires_in: number;
  scope: string;
}

/**
 * Development sign-in for the demo page: forwards to the built-in issuer's token endpoint, so the
 * browser never needs CORS on the issuer. Only registered with the built-in issuer (see WebModule),
 * and the handler checks again: minting tokens for any user must never exist in production.
 */
@Controller('dev')
@Public()
@UseGuards(LoopbackHostGuard)
export class DevSignInController {
  constructor(@Inject(APP_CONFIG) private readonly config: ResolvedConfig) {}

  @Post('token')
  @HttpCode(200)
  async token(
    @Body() body: DevTokenDto,
    @Headers('dpop') dpopProof: string | undefined,
  ): Promise<DevTokenResponse> {
    if (!devSignInEnabled(this.config)) throw new NotFoundException('Cannot POST /api/dev/token');
    const siteId = body.site ?? this.config.devIssuer.sites[0];
    const site = this.config.sites.find((candidate) => candidate.id === siteId);
    // Only the sites the development issuer serves: never mint for a real issuer's site.
    if (!site || !this.config.devIssuer.sites.includes(site.id)) {
      throw new BadRequestException(
        `site must be one of the development issuer's sites: ${this.config.devIssuer.sites.join(', ')}`,
      );
    }
    const scopes = WEB_SCOPES.filter(
      (scope) => !scope.startsWith('messages:') || body.scopes.includes(scope),
    );
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      // A token whose cid is not in OKTA_CLIENT_IDS would be refused by this very API.
      client_id: site.clientIds[0] ?? DEFAULT_DEV_CLIENT_ID,
      scope: scopes.join(' '),
      sub: body.sub,
    });
    if (body.groups.length > 0) form.set('groups', body.groups.join(','));
    if (body.secondFactor === true) {
      form.set('acr', SECOND_FACTOR_SIGN_IN.acr);
      form.set('amr', SECOND_FACTOR_SIGN_IN.amr.join(','));
      form.set('auth_time', String(Math.floor(Date.now() / 1000)));
    }
    const answer = await askIssuer(tokenEndpointOf(site.issuer), form, dpopProof);
    return {
      access_token: answer.access_token,
      token_type: answer.token_type === 'DPoP' ? 'DPoP' : 'Bearer',
      expires_in: Number(answer.expires_in ?? 0),
      scope: scopes.join(' '),
    };
  }
}

/**
 * The issuer's answer to a token request, the sign-in's DPoP proof passed on as it came (its `htu`
 * names the issuer's token endpoint, which the page has from /api/web-config). A nonce the issuer
 * asks for and a proof it refuses are the page's to fix (400); anything else is a 503.
 */
async function askIssuer(
  tokenEndpoint: string,
  form: URLSearchParams,
  dpopProof: string | undefined,
): Promise<Partial<DevTokenResponse> & { access_token: string }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (dpopProof !== undefined) headers.dpop = dpopProof;
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers,
    body: form,
    signal: AbortSignal.timeout(5000),
  }).catch(() => undefined);
  const answer = (await response?.json().catch(() => undefined)) as
    (Partial<DevTokenResponse> & { error?: unknown; error_description?: unknown }) | undefined;
  const nonce = response?.headers.get('dpop-nonce');
  if (answer?.error === 'use_dpop_nonce' && nonce) throw new DevIssuerNonceError(nonce);
  if (answer?.error === 'invalid_dpop_proof') {
    throw new BadRequestException(
      `the development issuer refused the DPoP proof: ${String(answer.error_description)}`,
    );
  }
  if (!response?.ok || typeof answer?.access_token !== 'string') {
    throw new ServiceUnavailableError('the development issuer did not answer; try again shortly', 2);
  }
  return { ...answer, access_token: answer.access_token };
}
