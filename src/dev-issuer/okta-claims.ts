import { createHash, randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export const ACCESS_TOKEN_TTL_SECONDS = 3600;

/**
 * The development issuer's client id when `OKTA_CLIENT_IDS` is unset. It lives here, not beside the
 * token shaping that uses it, because the production bundle needs it too (the dev sign-in route) and
 * must not import oauth2-mock-server, which that module does.
 */
export const DEFAULT_DEV_CLIENT_ID = 'dev-client';

/** Claims of an Okta custom authorization server access token. */
export interface OktaAccessClaims {
  ver: 1;
  jti: string;
  iss: string;
  aud: string;
  iat: number;
  exp: number;
  cid: string;
  uid: string;
  scp: string[];
  sub: string;
  groups: string[];
  /** How and when the user signed in (RFC 9470 step-up), when the token request says so. */
  acr?: string;
  amr?: string[];
  auth_time?: number;
  /** The DPoP key the token is bound to (RFC 9449 section 6.1). */
  cnf?: { jkt: string };
}

/** The sign-in a token request describes; each part is optional. */
export interface SignInClaims {
  acr?: string;
  amr?: string[];
  authTime?: number;
}

/** What the development sign-in's "signed in with a second factor" option puts in the token. */
export const SECOND_FACTOR_SIGN_IN = { acr: 'urn:okta:loa:2fa:any', amr: ['pwd', 'otp'] } as const;

export interface OktaClaimsInput {
  issuer: string;
  audience: string;
  clientId: string;
  sub: string;
  scopes: string[];
  groups: string[];
  signIn?: SignInClaims;
  /** Bind the token to this DPoP key thumbprint. */
  dpopJkt?: string;
  now?: Date;
}

/**
 * Okta user ids look like `00u` + 17 base62 characters; deriving it from
 * `sub` keeps it stable across restarts so stored data stays attributable.
 */
export function fakeOktaUserId(sub: string): string {
  const digest = createHash('sha256').update(sub).digest();
  let id = '00u';
  for (let i = 0; i < 17; i++) {
    id += BASE62[(digest[i] ?? 0) % BASE62.length];
  }
  return id;
}

/** Splits a comma- or space-delimited list, dropping empty entries. */
export function splitList(value: unknown, separator: RegExp): string[] {
  const parts: unknown[] = Array.isArray(value) ? value : [value];
  return parts
    .filter((part): part is string => typeof part === 'string')
    .flatMap((part) => part.split(separator))
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

export function buildOktaAccessClaims(input: OktaClaimsInput): OktaAccessClaims {
  const iat = Math.floor((input.now ?? new Date()).getTime() / 1000);
  return {
    ver: 1,
    jti: `AT.${randomBytes(32).toString('base64url')}`,
    iss: input.issuer,
    aud: input.audience,
    iat,
    exp: iat + ACCESS_TOKEN_TTL_SECONDS,
    cid: input.clientId,
    uid: fakeOktaUserId(input.sub),
    scp: input.scopes,
    sub: input.sub,
    groups: input.groups,
    ...signInClaims(input.signIn ?? {}),
    ...(input.dpopJkt === undefined ? {} : { cnf: { jkt: input.dpopJkt } }),
  };
}

function signInClaims({ acr, amr, authTime }: SignInClaims): Partial<OktaAccessClaims> {
  return {
    ...(acr === undefined ? {} : { acr }),
    ...(amr === undefined || amr.length === 0 ? {} : { amr }),
    ...(authTime === undefined ? {} : { auth_time: authTime }),
  };
}
