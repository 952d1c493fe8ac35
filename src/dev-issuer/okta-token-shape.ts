import type { IncomingMessage } from 'node:http';
import {
  Events,
  type MutableRedirectUri,
  type MutableResponse,
  type MutableToken,
  type OAuth2Service,
  type TokenRequestIncomingMessage,
} from 'oauth2-mock-server';
import { DEFAULT_SIGN_IN_USER as DEFAULT_DEV_USER } from './sign-in-page.js';
import {
  buildOktaAccessClaims,
  DEFAULT_DEV_CLIENT_ID,
  splitList,
  type OktaAccessClaims,
  type SignInClaims,
} from './okta-claims.js';

/**
 * Rewrites every access token the library signs into Okta's shape. `boundKey` names the DPoP key
 * (RFC 7638 thumbprint) a request's token is bound to, if any (RFC 9449 section 6).
 */
export function installOktaTokenShape(
  service: OAuth2Service,
  audience: string,
  boundKey: (req: IncomingMessage) => string | undefined = () => undefined,
): void {
  const claimsByRequest = new WeakMap<IncomingMessage, OktaAccessClaims>();
  const pendingCodes = new Map<string, { sub?: string; scope?: string; groups?: string }>();

  service.on(Events.BeforeAuthorizeRedirect, (redirect: MutableRedirectUri, req: IncomingMessage) => {
    const code = redirect.url.searchParams.get('code');
    if (code === null) return;
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    pendingCodes.set(code, {
      sub: query.get('login_hint')?.trim() || undefined,
      scope: query.get('scope') ?? undefined,
      groups: query.get('groups') ?? undefined,
    });
  });

  service.on(Events.BeforeTokenSigning, (token: MutableToken, req: TokenRequestIncomingMessage) => {
    // For user grants the library then signs an id_token in the same
    // request; only the first signature is the access token.
    if (claimsByRequest.has(req)) return;
    const grant = req.body.grant_type;
    const code = grant === 'authorization_code' ? req.body.code : undefined;
    const pending = code === undefined ? undefined : pendingCodes.get(code);
    if (code !== undefined) pendingCodes.delete(code);

    const clientId = param(req, 'client_id') ?? basicAuthUser(req);
    const cid = clientId ?? DEFAULT_DEV_CLIENT_ID;
    const fallbackSub = grant === 'client_credentials' ? cid : DEFAULT_DEV_USER;
    const claims = buildOktaAccessClaims({
      issuer: token.payload.iss,
      audience,
      clientId: cid,
      sub:
        param(req, 'sub') ??
        (grant === 'password' ? param(req, 'username') : undefined) ??
        pending?.sub ??
        fallbackSub,
      scopes: splitList(param(req, 'scope') ?? pending?.scope, / +/),
      groups: splitList(readBody(req, 'groups') ?? pending?.groups, /,/),
      signIn: signInParams(req),
      dpopJkt: boundKey(req),
    });
    claimsByRequest.set(req, claims);

    token.header.typ = 'JWT';
    for (const key of Object.keys(token.payload)) {
      Reflect.deleteProperty(token.payload, key);
    }
    Object.assign(token.payload, claims);
  });

  service.on(Events.BeforeResponse, (response: MutableResponse, req: TokenRequestIncomingMessage) => {
    const claims = claimsByRequest.get(req);
    if (claims === undefined || response.body === '') return;
    if (claims.cnf !== undefined) response.body.token_type = 'DPoP';
    if (claims.scp.length > 0) response.body.scope = claims.scp.join(' ');
    else delete response.body.scope;
    if (req.body.grant_type === 'client_credentials') {
      delete response.body.id_token;
      delete response.body.refresh_token;
    }
  });
}

/** `acr`, `amr` (comma-separated) and `auth_time` (seconds) of the token request; malformed ones are left out. */
function signInParams(req: TokenRequestIncomingMessage): SignInClaims {
  const acr = param(req, 'acr');
  const authTime = param(req, 'auth_time');
  return {
    acr: acr !== undefined && /^[\x21-\x7e]{1,200}$/.test(acr) ? acr : undefined,
    amr: splitList(readBody(req, 'amr'), /,/),
    authTime: authTime !== undefined && /^\d{1,12}$/.test(authTime) ? Number(authTime) : undefined,
  };
}

function readBody(req: TokenRequestIncomingMessage, name: string): unknown {
  return (req.body as unknown as Record<string, unknown>)[name];
}

function param(req: TokenRequestIncomingMessage, name: string): string | undefined {
  const value = readBody(req, name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function basicAuthUser(req: IncomingMessage): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon === -1 ? decoded : decoded.slice(0, colon);
  if (user === '') return undefined;
  try {
    // RFC 6749 2.3.1: the client id is form-urlencoded inside Basic auth.
    return decodeURIComponent(user.replace(/\+/g, ' '));
  } catch {
    return user;
  }
}
