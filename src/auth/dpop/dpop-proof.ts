import { hash } from 'node:crypto';
import {
  calculateJwkThumbprint,
  compactVerify,
  decodeProtectedHeader,
  errors,
  importJWK,
  type JWK,
  type ProtectedHeaderParameters,
} from 'jose';
import { LRUCache } from 'lru-cache';
import { RefusalReason } from '../refusal-reason.js';
import { InvalidDpopProofError } from './dpop-errors.js';
import { normaliseHtu } from './request-url.js';

/** The proof algorithms this API takes (announced as `algs` in the DPoP challenge). */
export const DPOP_ALGORITHMS = ['RS256', 'ES256'] as const;
type DpopAlgorithm = (typeof DPOP_ALGORITHMS)[number];
const KEY_TYPES: Record<DpopAlgorithm, string> = { RS256: 'RSA', ES256: 'EC' };

/** RFC 9449 4.3 check 11: how old a proof may be; its `jti` is remembered as long. */
export const PROOF_MAX_AGE_SECONDS = 60;
/** A proof with an RSA 4096 key is under 2 KB; anything much longer is not worth parsing. */
const MAX_PROOF_LENGTH = 8192;
const MAX_JTI_LENGTH = 256;
/** JWK members that only a private (or symmetric) key has (RFC 7518 6.2.2, 6.3.2, 6.4.1). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** What the proof must fit: the request it came with and the access token it came with. */
export interface ProofContext {
  method: string;
  /** The request's URL as `htu` must name it ({@link requestHtu}); undefined: none could be made. */
  htu: string | undefined;
  accessToken: string;
  nowSeconds: number;
  /** How far in the future `iat` may be (OKTA_CLOCK_TOLERANCE). */
  toleranceSeconds: number;
}

export interface VerifiedProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's key: what the token's `cnf.jkt` must be. */
  jkt: string;
  jti: string;
  nonce: unknown;
}

interface ProofKey {
  key: CryptoKey;
  alg: DpopAlgorithm;
  jkt: string;
}

/**
 * A client signs every proof with the same key, so its header (`typ`, `alg`, `jwk`) repeats byte for
 * byte: the key is imported and its thumbprint computed once per header (about half the work of a
 * proof). Only headers that passed every rule get in; bounded by their total length.
 */
const proofKeys = new LRUCache<string, ProofKey>({
  maxSize: 1_000_000,
  sizeCalculation: (_key, header) => header.length,
});

const refuse = (reason: RefusalReason, description: string) => new InvalidDpopProofError(reason, description);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readProtectedHeader(proof: string): ProtectedHeaderParameters {
  if (proof.length > MAX_PROOF_LENGTH || proof.split('.').length !== 3)
    throw refuse(RefusalReason.DpopProofMalformed, 'malformed DPoP proof');
  try {
    return decodeProtectedHeader(proof);
  } catch {
    throw refuse(RefusalReason.DpopProofMalformed, 'malformed DPoP proof header');
  }
}

/** The header rules (RFC 9449 4.3 checks 4 to 7): `typ`, `alg`, and a public `jwk` for that `alg`. */
async function proofKey(header: ProtectedHeaderParameters): Promise<{ key: CryptoKey; jwk: JWK }> {
  const { typ, alg, jwk } = header;
  if (typeof typ !== 'string' || typ.toLowerCase().replace(/^application\//, '') !== 'dpop+jwt')
    throw refuse(RefusalReason.DpopWrongType, 'DPoP proof typ must be dpop+jwt');
  // Never `none`, never HMAC: a proof shows possession of a private key.
  if (!(DPOP_ALGORITHMS as readonly unknown[]).includes(alg))
    throw refuse(RefusalReason.DpopUnsupportedAlgorithm, 'DPoP proof alg must be RS256 or ES256');
  const algorithm = alg as DpopAlgorithm;
  if (!isObject(jwk)) throw refuse(RefusalReason.DpopBadKey, 'DPoP proof has no jwk');
  if (PRIVATE_MEMBERS.some((member) => Object.hasOwn(jwk, member)))
    throw refuse(RefusalReason.DpopPrivateKey, 'DPoP proof jwk must be a public key');
  if (jwk.kty !== KEY_TYPES[algorithm])
    throw refuse(
      RefusalReason.DpopBadKey,
      `DPoP proof jwk must be an ${KEY_TYPES[algorithm]} key for ${alg}`,
    );
  try {
    const key = await importJWK(jwk, algorithm);
    if (key instanceof Uint8Array || key.type !== 'public') throw new Error('not a public key');
    return { key, jwk };
  } catch {
    throw refuse(RefusalReason.DpopBadKey, 'DPoP proof jwk is not a usable key');
  }
}

/** The signature with the proof's own key (check 8); jose refuses `crit` it does not know. */
async function verifiedPayload(proof: string, key: CryptoKey, alg: string): Promise<Record<string, unknown>> {
  let bytes: Uint8Array;
  try {
    ({ payload: bytes } = await compactVerify(proof, key, { algorithms: [alg] }));
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed)
      throw refuse(RefusalReason.DpopBadSignature, 'DPoP proof signature does not verify');
    // jose's TypeError: an RSA key under 2048 bits (RFC 7518 3.3).
    if (error instanceof TypeError) throw refuse(RefusalReason.DpopBadKey, 'DPoP proof key is too weak');
    throw refuse(RefusalReason.DpopProofMalformed, 'malformed DPoP proof');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    payload = undefined;
  }
  if (!isObject(payload)) throw refuse(RefusalReason.DpopProofMalformed, 'malformed DPoP proof payload');
  return payload;
}

/** The payload rules (checks 9 to 12, and `ath` of RFC 9449 7.1). */
function checkClaims(claims: Record<string, unknown>, context: ProofContext): void {
  const { jti, htm, htu, iat, ath } = claims;
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH)
    throw refuse(RefusalReason.DpopBadJti, 'DPoP proof jti must be a non-empty string');
  if (htm !== context.method)
    throw refuse(RefusalReason.DpopWrongMethod, 'DPoP proof htm is not the request method');
  const claimed = normaliseHtu(htu);
  if (claimed === undefined || claimed !== context.htu)
    throw refuse(RefusalReason.DpopWrongUrl, 'DPoP proof htu is not the request URL');
  if (typeof iat !== 'number' || !Number.isFinite(iat))
    throw refuse(RefusalReason.DpopBadIat, 'DPoP proof iat must be a number');
  if (context.nowSeconds - iat > PROOF_MAX_AGE_SECONDS)
    throw refuse(RefusalReason.DpopProofTooOld, 'DPoP proof is too old');
  if (iat - context.nowSeconds > context.toleranceSeconds)
    throw refuse(RefusalReason.DpopProofInFuture, 'DPoP proof iat is in the future');
  if (typeof ath !== 'string' || ath !== hash('sha256', context.accessToken, 'base64url'))
    throw refuse(RefusalReason.DpopWrongAth, 'DPoP proof ath is not the hash of the access token');
}

/**
 * Every rule of RFC 9449 4.3 and 7.1 that needs only the proof and the request: not the nonce
 * (DpopNonces), the binding to the token's key or single use (they need the verified token).
 */
export async function verifyProof(proof: string, context: ProofContext): Promise<VerifiedProof> {
  const { key, alg, jkt } = await keyOf(proof);
  const claims = await verifiedPayload(proof, key, alg);
  checkClaims(claims, context);
  return { jkt, jti: claims.jti as string, nonce: claims.nonce };
}

async function keyOf(proof: string): Promise<ProofKey> {
  const header = readProtectedHeader(proof);
  const segment = proof.slice(0, proof.indexOf('.'));
  const known = proofKeys.get(segment);
  if (known) return known;
  const { key, jwk } = await proofKey(header);
  const entry = { key, alg: header.alg as DpopAlgorithm, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
  proofKeys.set(segment, entry);
  return entry;
}
