import { isIP } from 'node:net';
import { ConfigError, list, type Env } from './env.js';

const EXAMPLES = 'e.g. 10.0.0.5, 10.0.0.0/8, 2001:db8::/32';

/** Why one `TRUST_PROXY` entry is not an IP address or CIDR range, or undefined when it is one. */
function problemWith(entry: string): string | undefined {
  const [address, prefix, ...rest] = entry.split('/');
  const family = address.includes('%') ? 0 : isIP(address);
  if (family === 0 || rest.length > 0) return `is not an IP address or CIDR range (${EXAMPLES})`;
  if (prefix === undefined) return undefined;
  const bits = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) {
    return `has a prefix length that is not a whole number from 1 to ${bits}`;
  }
  // Trusting every address would let any client choose the address it is limited and logged by.
  if (Number(prefix) === 0) return 'trusts every address, so any client could claim to be anyone';
  return undefined;
}

/**
 * `TRUST_PROXY`: the addresses and CIDR ranges of the proxies in front of the API (default none).
 * Fastify's `trustProxy` (proxy-addr) reads `X-Forwarded-For` only from them; this only validates,
 * naming every bad entry on its own line.
 */
export function trustedProxies(env: Env): string[] {
  const entries = list(env, 'TRUST_PROXY', []);
  const problems = entries.flatMap((entry) => {
    const problem = problemWith(entry);
    return problem === undefined ? [] : [`TRUST_PROXY entry "${entry}" ${problem}`];
  });
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return entries;
}
