import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tokenEndpointOf } from './issuer-url.js';
import {
  oneLine,
  parseTokenCommand,
  TOKEN_COMMAND_USAGE,
  TokenCommandError,
  type CommandEnv,
  type TokenCommandOptions,
} from './token-command-args.js';

export * from './token-command-args.js';

export interface TokenHttpRequest {
  url: string;
  body: URLSearchParams;
}

export function buildTokenRequest(options: TokenCommandOptions): TokenHttpRequest {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: options.clientId,
    scope: options.scopes.join(' '),
    sub: options.sub,
  });
  if (options.groups.length > 0) body.set('groups', options.groups.join(','));
  if (options.acr !== undefined) body.set('acr', options.acr);
  if (options.authTime !== undefined) body.set('auth_time', String(options.authTime));
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

function field(payload: unknown, name: string): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const value: unknown = Reflect.get(payload, name);
  return typeof value === 'string' && value !== '' ? value : undefined;
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
