import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { devIssuerHost, devIssuerUrl, tokenEndpointOf } from './issuer-url.js';

export const TOKEN_COMMAND_USAGE = `Usage: npm run -s token -- [options]

Prints an access token from the development issuer (started by \`npm start\`
when OKTA_ISSUER is not set).

Options:
  --sub <subject>        token subject (default: dev-user@example.com)
  --scopes <a,b>         comma-separated scopes (default: messages:read,messages:write)
  --groups <a,b>         comma-separated Okta groups (default: none)
  --client-id <id>       client id, the cid claim (default: dev-client)
  --site <id>            the site (SITES_FILE) whose development issuer signs it
  --issuer <url>         issuer URL (default: http://$HOST:$DEV_ISSUER_PORT/oauth2/<site or default>)
  --help                 show this help`;

export interface TokenCommandOptions {
  issuer: string;
  sub: string;
  scopes: string[];
  groups: string[];
  clientId: string;
}

export type TokenCommand = { kind: 'help' } | { kind: 'token'; options: TokenCommandOptions };

export interface TokenHttpRequest {
  url: string;
  body: URLSearchParams;
}

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
  return {
    kind: 'token',
    options: {
      issuer,
      sub,
      scopes: splitCommas(values.scopes),
      groups: splitCommas(values.groups),
      clientId,
    },
  };
}

export function buildTokenRequest(options: TokenCommandOptions): TokenHttpRequest {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: options.clientId,
    scope: options.scopes.join(' '),
    sub: options.sub,
  });
  if (options.groups.length > 0) body.set('groups', options.groups.join(','));
  return { url: tokenEndpointOf(options.issuer), body };
}

export async function requestAccessToken(options: TokenCommandOptions): Promise<string> {
  const { url, body } = buildTokenRequest(options);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    throw new TokenCommandError(
      `cannot reach the development issuer at ${options.issuer}: is \`npm start\` running without OKTA_ISSUER?`,
    );
  }
  const payload: unknown = await response.json().catch(() => undefined);
  const token = field(payload, 'access_token');
  if (response.ok && token !== undefined) return token;
  const reason = [field(payload, 'error'), field(payload, 'error_description')]
    .filter((part) => part !== undefined)
    .join(': ');
  throw new TokenCommandError(
    `the development issuer at ${options.issuer} refused the token request (HTTP ${String(response.status)}${reason === '' ? '' : `, ${reason}`})`,
  );
}

export interface CommandOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Runs the command and returns its exit code; never throws. */
export async function runTokenCommand(
  argv: readonly string[],
  env: CommandEnv,
  output: CommandOutput,
): Promise<number> {
  try {
    const command = parseTokenCommand(argv, env);
    if (command.kind === 'help') {
      output.stdout(`${TOKEN_COMMAND_USAGE}\n`);
      return 0;
    }
    output.stdout(`${await requestAccessToken(command.options)}\n`);
    return 0;
  } catch (error) {
    output.stderr(`token: ${oneLine(error)}\n`);
    return 1;
  }
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
        issuer: { type: 'string' },
        site: { type: 'string' },
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

function field(payload: unknown, name: string): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const value: unknown = Reflect.get(payload, name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1).join('');
}

function isMainModule(): boolean {
  const entry = process.argv.at(1);
  if (entry === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isMainModule()) {
  process.exitCode = await runTokenCommand(process.argv.slice(2), process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}
