import { parseArgs } from 'node:util';
import { devIssuerHost, devIssuerUrl } from './issuer-url.js';

/** The `npm run token` command line: its options, parsed and checked before any request. */

export const TOKEN_COMMAND_USAGE = `Usage: npm run -s token -- [options]

Prints an access token from the development issuer (started by \`npm start\`
when OKTA_ISSUER is not set).

Options:
  --sub <subject>        token subject (default: dev-user@example.com)
  --scopes <a,b>         comma-separated scopes (default: messages:read,messages:write)
  --groups <a,b>         comma-separated Okta groups (default: none)
  --client-id <id>       client id, the cid claim (default: dev-client)
  --acr <value>          how the user signed in, the acr claim (e.g. urn:okta:loa:2fa:any)
  --auth-time <when>     when the user signed in, the auth_time claim: seconds since
                         the epoch, now, or now-<seconds> (e.g. now-600)
  --site <id>            the site (SITES_FILE) whose development issuer signs it
  --issuer <url>         issuer URL (default: http://$HOST:$DEV_ISSUER_PORT/oauth2/<site or default>)
  --dpop <key file>      a DPoP-bound token (RFC 9449) for the key in that file (a private
                         JWK), which is created (mode 0600) when it does not exist
  --dpop-alg <alg>       the key to create: ES256 (EC P-256, default) or RS256 (RSA 2048)
  --help                 show this help`;

export interface TokenCommandOptions {
  issuer: string;
  sub: string;
  scopes: string[];
  groups: string[];
  clientId: string;
  acr?: string;
  /** Seconds since the epoch. */
  authTime?: number;
  /** A DPoP-bound token for the key in this file, created with `dpopAlg` when missing. */
  dpop?: { keyFile: string; alg: 'ES256' | 'RS256' };
}

export type TokenCommand = { kind: 'help' } | { kind: 'token'; options: TokenCommandOptions };

export type CommandEnv = Readonly<Record<string, string | undefined>>;

/** Error whose message is fit to print as the command's only output line. */
export class TokenCommandError extends Error {}

export function parseTokenCommand(argv: readonly string[], env: CommandEnv): TokenCommand {
  const values = parseFlags(argv);
  if (values.help) return { kind: 'help' };

  if (values.site !== undefined && values.issuer !== undefined)
    throw new TokenCommandError('--site and --issuer name the issuer twice: give one');
  if (values.site !== undefined && !/^[a-z0-9-]{1,40}$/.test(values.site))
    throw new TokenCommandError(`--site is not a site id (a-z, 0-9 and -): ${values.site}`);
  const issuer = (values.issuer ?? defaultIssuer(env, values.site)).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(issuer) || !URL.canParse(issuer)) {
    throw new TokenCommandError(`--issuer is not an http(s) URL: ${issuer}`);
  }
  const sub = values.sub.trim();
  const clientId = values['client-id'].trim();
  if (sub === '' || clientId === '') {
    throw new TokenCommandError('--sub and --client-id must not be empty');
  }
  const dpopAlg = values['dpop-alg'].trim().toUpperCase();
  if (dpopAlg !== 'ES256' && dpopAlg !== 'RS256')
    throw new TokenCommandError(`--dpop-alg must be ES256 or RS256, got "${dpopAlg}"`);
  if (values.dpop?.trim() === '') throw new TokenCommandError('--dpop needs the path of a key file');
  const acr = values.acr?.trim();
  if (acr !== undefined && !/^[\x21-\x7e]{1,200}$/.test(acr)) {
    throw new TokenCommandError(`--acr must be a value without spaces, e.g. urn:okta:loa:2fa:any: ${acr}`);
  }
  return {
    kind: 'token',
    options: {
      issuer,
      sub,
      scopes: splitCommas(values.scopes),
      groups: splitCommas(values.groups),
      clientId,
      ...(acr === undefined ? {} : { acr }),
      ...(values['auth-time'] === undefined ? {} : { authTime: parseAuthTime(values['auth-time']) }),
      ...(values.dpop === undefined ? {} : { dpop: { keyFile: values.dpop, alg: dpopAlg } }),
    },
  };
}

/** Seconds since the epoch, `now`, or `now-<seconds>` (a sign-in that long ago). */
export function parseAuthTime(raw: string, nowSeconds = Math.floor(Date.now() / 1000)): number {
  const value = raw.trim();
  const ago = /^now(?:-(\d{1,9}))?$/.exec(value);
  if (ago) return nowSeconds - Number(ago[1] ?? 0);
  if (/^\d{1,12}$/.test(value)) return Number(value);
  throw new TokenCommandError(
    `--auth-time must be seconds since the epoch, now, or now-<seconds>, got "${value}"`,
  );
}

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        sub: { type: 'string', default: 'dev-user@example.com' },
        scopes: { type: 'string', default: 'messages:read,messages:write' },
        groups: { type: 'string', default: '' },
        'client-id': { type: 'string', default: 'dev-client' },
        acr: { type: 'string' },
        'auth-time': { type: 'string' },
        issuer: { type: 'string' },
        site: { type: 'string' },
        dpop: { type: 'string' },
        'dpop-alg': { type: 'string', default: 'ES256' },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    throw new TokenCommandError(`${oneLine(error)} (see --help)`);
  }
}

function defaultIssuer(env: CommandEnv, site = 'default'): string {
  // Empty variables count as unset, like in the app's config.
  const host = devIssuerHost(nonEmpty(env.HOST) ?? '127.0.0.1');
  const port = Number(nonEmpty(env.DEV_ISSUER_PORT) ?? 8001);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new TokenCommandError(`DEV_ISSUER_PORT is not a valid port: ${String(env.DEV_ISSUER_PORT)}`);
  }
  return devIssuerUrl(host, port, site);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function splitCommas(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1).join('');
}
