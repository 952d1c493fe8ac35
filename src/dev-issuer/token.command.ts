import { isMainModule, runAsMain, type CommandOutput } from './command-entry.js';
import { loadOrCreateDpopKey } from './dpop-key-file.js';
import { createDpopProof, type DpopKey } from './dpop-proof.js';
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
export type { CommandOutput } from './command-entry.js';

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

/**
 * Asks the development issuer for a token. With a DPoP key the request carries a proof, and, as
 * with Okta, the first answer is `use_dpop_nonce`: the request is sent again with that nonce.
 */
export async function requestAccessToken(options: TokenCommandOptions, dpopKey?: DpopKey): Promise<string> {
  const { url, body } = buildTokenRequest(options);
  let nonce: string | undefined;
  for (let attempt = 1; ; attempt += 1) {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (dpopKey) headers.dpop = await createDpopProof(dpopKey, { htm: 'POST', htu: url, nonce });
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
    } catch {
      throw new TokenCommandError(
        `cannot reach the development issuer at ${options.issuer}: is \`npm start\` running without OKTA_ISSUER?`,
      );
    }
    const payload: unknown = await response.json().catch(() => undefined);
    const freshNonce = response.headers.get('dpop-nonce');
    if (dpopKey && attempt === 1 && field(payload, 'error') === 'use_dpop_nonce' && freshNonce) {
      nonce = freshNonce;
      continue;
    }
    const token = field(payload, 'access_token');
    if (response.ok && token !== undefined) {
      if (dpopKey && field(payload, 'token_type') !== 'DPoP')
        throw new TokenCommandError(`the issuer at ${options.issuer} did not bind the token to the DPoP key`);
      return token;
    }
    const reason = [field(payload, 'error'), field(payload, 'error_description')]
      .filter((part) => part !== undefined)
      .join(': ');
    throw new TokenCommandError(
      `the development issuer at ${options.issuer} refused the token request (HTTP ${String(response.status)}${reason === '' ? '' : `, ${reason}`})`,
    );
  }
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
    const { dpop } = command.options;
    const dpopKey = dpop === undefined ? undefined : await loadOrCreateDpopKey(dpop.keyFile, dpop.alg);
    if (dpopKey?.created)
      output.stderr(`token: created the DPoP key ${dpop!.keyFile} (${dpopKey.key.alg})\n`);
    output.stdout(`${await requestAccessToken(command.options, dpopKey?.key)}\n`);
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

if (isMainModule(import.meta.url)) await runAsMain(runTokenCommand);
