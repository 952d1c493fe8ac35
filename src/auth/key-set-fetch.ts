import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';

/** A key endpoint that answered, but not with a usable key set (HTTP status, not JSON, no keys). */
export class KeyFetchError extends Error {
  override readonly name = 'KeyFetchError';
}

/** An Okta key set is a few kilobytes; anything this large is not one. */
const MAX_BODY_LENGTH = 1024 * 1024;

/**
 * GETs a JSON Web Key Set within `timeoutMs` overall. Node's http client rather than `fetch`:
 * its errors carry a code for every network failure, and it takes any port (fetch refuses some).
 * Redirects are not followed.
 */
export function fetchKeySet(uri: string, timeoutMs: number): Promise<{ keys: unknown[] }> {
  return new Promise((resolve, reject) => {
    const url = new URL(uri);
    const get = url.protocol === 'https:' ? httpsGet : httpGet;
    // The first of these settles the promise; the request is then closed whatever state it is in.
    const fail = (error: Error) => {
      reject(error);
      request.destroy();
    };
    const request = get(url, { headers: { accept: 'application/json' } }, (response) => {
      readKeySet(response).then(resolve, fail);
    });
    const timer = setTimeout(
      () => fail(new KeyFetchError(`timeout (no answer within ${timeoutMs / 1000} s)`)),
      timeoutMs,
    );
    request.on('error', fail);
    request.on('close', () => clearTimeout(timer));
  });
}

async function readKeySet(response: IncomingMessage): Promise<{ keys: unknown[] }> {
  const status = response.statusCode ?? 0;
  if (status < 200 || status > 299) throw new KeyFetchError(`HTTP ${status}`);
  let text = '';
  for await (const chunk of response.setEncoding('utf8')) {
    text += chunk as string;
    if (text.length > MAX_BODY_LENGTH) throw new KeyFetchError('the answer is too large for a key set');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new KeyFetchError('the answer is not JSON');
  }
  const keys = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new KeyFetchError('the answer is not a key set (no "keys" array)');
  return { keys };
}

/** Network failures in the words an operator would search for. */
const CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'DNS name not found',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  ECONNRESET: 'connection closed by the server',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timeout (connecting)',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate not trusted (self-signed)',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate not trusted (self-signed)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS certificate not trusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate is for another host name',
};

/** Why fetching the keys failed, in plain words: `connection refused`, `HTTP 404`, `timeout (…)`. */
export function describeFetchFailure(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'unknown error';
  const { code, message } = error as Partial<NodeJS.ErrnoException>;
  return (typeof code === 'string' ? CAUSES[code] : undefined) ?? message ?? 'unknown error';
}
