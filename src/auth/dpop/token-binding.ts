import { InvalidTokenError, type AuthScheme } from '../bearer-errors.js';
import { RefusalReason } from '../refusal-reason.js';

const senderConstrained = () =>
  new InvalidTokenError(RefusalReason.SenderConstrained, 'sender-constrained token');
const notBound = () => new InvalidTokenError(RefusalReason.NotDpopBound, 'token is not bound to a DPoP key');

/**
 * The key a token is bound to under `scheme`. Under Bearer, a token with any `cnf` is refused
 * (RFC 9449 7.2 / RFC 8705 3: accepted as a bearer token, a stolen one would work without its key);
 * under DPoP, the token must carry `cnf.jkt` (RFC 9449 6.1), which is returned.
 */
export function tokenBinding(claims: Record<string, unknown>, scheme: AuthScheme): string | undefined {
  if (scheme === 'bearer') {
    if (Object.hasOwn(claims, 'cnf')) throw senderConstrained();
    return undefined;
  }
  const { cnf } = claims;
  const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as Record<string, unknown>).jkt : undefined;
  if (typeof jkt !== 'string' || jkt === '') throw notBound();
  return jkt;
}

/**
 * The same rule for a token answered from the verified-token cache, which kept its `cnf.jkt`: a token
 * verified under DPoP is still refused as a bearer token, and the other way round.
 */
export function checkBinding(dpopJkt: string | undefined, scheme: AuthScheme): void {
  if (scheme === 'bearer' && dpopJkt !== undefined) throw senderConstrained();
  if (scheme === 'dpop' && dpopJkt === undefined) throw notBound();
}
