import { parseArgs } from 'node:util';
import { isMainModule, runAsMain, type CommandOutput } from './command-entry.js';
import { loadDpopKey } from './dpop-key-file.js';
import { createDpopProof, type ProofTarget } from './dpop-proof.js';
import { oneLine, TokenCommandError } from './token-command-args.js';

export const DPOP_PROOF_USAGE = `Usage: npm run -s dpop-proof -- --key <key file> <METHOD> <URL> [options]

Prints a fresh DPoP proof (RFC 9449) for one request, signed with the key that
\`npm run token -- --dpop <key file>\` created, for the request's DPoP header.

Options:
  --key <key file>       the DPoP key (a private JWK)
  --token <token>        the access token the request carries (adds ath)
  --nonce <nonce>        the server's latest DPoP-Nonce (adds nonce)
  --help                 show this help

Example:
  curl -H "Authorization: DPoP $TOKEN" \\
    -H "DPoP: $(npm run -s dpop-proof -- --key dpop.jwk GET http://127.0.0.1:8000/api/me --token $TOKEN)" \\
    http://127.0.0.1:8000/api/me`;

export type DpopProofCommand = { kind: 'help' } | { kind: 'proof'; keyFile: string; target: ProofTarget };

export function parseDpopProofCommand(argv: readonly string[]): DpopProofCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        key: { type: 'string' },
        token: { type: 'string' },
        nonce: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new TokenCommandError(`${oneLine(error)} (see --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.key === undefined || values.key.trim() === '')
    throw new TokenCommandError('--key <key file> is required (see --help)');
  if (positionals.length !== 2)
    throw new TokenCommandError('give the request as <METHOD> <URL>, e.g. GET http://127.0.0.1:8000/api/me');
  const [method, url] = positionals;
  if (!/^[A-Za-z]{1,20}$/.test(method)) throw new TokenCommandError(`not an HTTP method: ${method}`);
  if (!/^https?:\/\/[^/]/.test(url) || !URL.canParse(url))
    throw new TokenCommandError(`not an http(s) URL: ${url}`);
  const token = values.token?.trim();
  const nonce = values.nonce?.trim();
  return {
    kind: 'proof',
    keyFile: values.key,
    target: {
      htm: method.toUpperCase(),
      htu: url,
      ...(token ? { accessToken: token } : {}),
      ...(nonce ? { nonce } : {}),
    },
  };
}

/** Runs the command and returns its exit code; never throws. */
export async function runDpopProofCommand(
  argv: readonly string[],
  _env: unknown,
  output: CommandOutput,
): Promise<number> {
  try {
    const command = parseDpopProofCommand(argv);
    if (command.kind === 'help') {
      output.stdout(`${DPOP_PROOF_USAGE}\n`);
      return 0;
    }
    const key = await loadDpopKey(command.keyFile);
    output.stdout(`${await createDpopProof(key, command.target)}\n`);
    return 0;
  } catch (error) {
    output.stderr(`dpop-proof: ${oneLine(error)}\n`);
    return 1;
  }
}

if (isMainModule(import.meta.url)) await runAsMain(runDpopProofCommand);
