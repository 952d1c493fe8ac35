import { readFile, stat, writeFile } from 'node:fs/promises';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { DpopKey } from './dpop-proof.js';
import { oneLine, TokenCommandError } from './token-command-args.js';

export type DpopAlgorithm = DpopKey['alg'];
export const DPOP_KEY_ALGORITHMS: readonly DpopAlgorithm[] = ['ES256', 'RS256'];

/**
 * The DPoP key in `path` (a private JWK, as this command writes it), created when the file does not
 * exist: EC P-256 for ES256 (the default) or RSA 2048 for RS256, readable by its owner only (0600).
 */
export async function loadOrCreateDpopKey(
  path: string,
  alg: DpopAlgorithm = 'ES256',
): Promise<{ key: DpopKey; created: boolean }> {
  if (await exists(path)) return { key: await loadDpopKey(path), created: false };
  const { privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
  const jwk = { ...(await exportJWK(privateKey)), alg };
  try {
    await writeFile(path, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Written a moment ago by another run: use that one.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      return { key: await loadDpopKey(path), created: false };
    throw new TokenCommandError(`cannot write the DPoP key file ${path}: ${oneLine(error)}`);
  }
  return { key: await dpopKeyFromJwk(jwk, path), created: true };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new TokenCommandError(`cannot read the DPoP key file ${path}: ${oneLine(error)}`);
  }
}

/** The DPoP key in `path`; refused when others may read the file, as ssh refuses such a key. */
export async function loadDpopKey(path: string): Promise<DpopKey> {
  let text: string;
  try {
    const { mode } = await stat(path);
    if (process.platform !== 'win32' && (mode & 0o077) !== 0)
      throw new TokenCommandError(
        `the DPoP key file ${path} may be read by others; make it private: chmod 600 ${path}`,
      );
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof TokenCommandError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new TokenCommandError(
        `no DPoP key file ${path}: create one with npm run token -- --dpop ${path}`,
      );
    throw new TokenCommandError(`cannot read the DPoP key file ${path}: ${oneLine(error)}`);
  }
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw new TokenCommandError(`the DPoP key file ${path} is not JSON (a private JWK)`);
  }
  return dpopKeyFromJwk(jwk, path);
}

async function dpopKeyFromJwk(value: unknown, path: string): Promise<DpopKey> {
  const jwk = (typeof value === 'object' && value !== null ? value : {}) as JWK;
  const alg = (jwk.alg ?? (jwk.kty === 'EC' ? 'ES256' : 'RS256')) as DpopAlgorithm;
  const ec = alg === 'ES256' && jwk.kty === 'EC' && jwk.crv === 'P-256';
  const rsa = alg === 'RS256' && jwk.kty === 'RSA' && Buffer.from(jwk.n ?? '', 'base64url').length >= 256;
  if (!(ec || rsa) || typeof jwk.d !== 'string') {
    throw new TokenCommandError(
      `the DPoP key file ${path} must hold a private EC P-256 (ES256) or RSA 2048+ (RS256) JWK`,
    );
  }
  let privateKey: CryptoKey;
  try {
    privateKey = (await importJWK({ ...jwk, alg }, alg)) as CryptoKey;
  } catch (error) {
    throw new TokenCommandError(`the DPoP key file ${path} holds an unusable key: ${oneLine(error)}`);
  }
  const publicJwk: JWK = ec
    ? { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }
    : { kty: 'RSA', n: jwk.n, e: jwk.e };
  return { alg, privateKey, publicJwk };
}
