// A local Okta-shaped issuer for the benchmark: one real 2048-bit RSA key, its JWKS served on
// loopback at `{issuer}/v1/keys`, and access tokens minted with it (in worker threads: RS256
// signing is the slow part of preparing 100,000 tokens).
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export const AUDIENCE = 'api://default';
export const CLIENT_ID = '0oa-bench-spa';
export const KID = 'bench-key-1';

export function subject(user) {
  return `user${user}@example.com`;
}

export async function startIssuer() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' };
  const body = JSON.stringify({ keys: [jwk] });
  let fetches = 0;
  const server = createServer((request, response) => {
    if (request.url !== '/oauth2/default/v1/keys') return void response.writeHead(404).end();
    fetches += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}/oauth2/default`;
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' });
  return {
    issuer,
    get fetches() {
      return fetches;
    },
    /** `count` distinct tokens; token i belongs to user i % users. */
    mint: (count, users) =>
      count <= 2000
        ? Promise.resolve(mintRange({ pem: privateKey, issuer, from: 0, to: count, users }))
        : mintParallel({ pem, issuer, count, users }),
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

function segment(value) {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Okta's access-token shape, as test/fixtures/tokens.ts mints it. */
export function mintRange({ pem, issuer, from, to, users }) {
  const now = Math.floor(Date.now() / 1000);
  const header = segment({ alg: 'RS256', kid: KID, typ: 'JWT' });
  const tokens = [];
  for (let i = from; i < to; i += 1) {
    const payload = segment({
      ver: 1,
      jti: `AT.${randomUUID()}`,
      iss: issuer,
      aud: AUDIENCE,
      iat: now,
      exp: now + 3600,
      cid: CLIENT_ID,
      uid: `00u${String(i).padStart(17, '0')}`,
      scp: ['messages:read'],
      sub: subject(i % users),
      groups: ['Everyone'],
    });
    const input = `${header}.${payload}`;
    tokens.push(`${input}.${sign('sha256', Buffer.from(input), pem).toString('base64url')}`);
  }
  return tokens;
}

async function mintParallel({ pem, issuer, count, users }) {
  const workers = Math.max(1, Math.min(4, availableParallelism()));
  const size = Math.ceil(count / workers);
  const parts = await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const job = { pem, issuer, users, from: w * size, to: Math.min(count, (w + 1) * size) };
      const worker = new Worker(new URL('./mint-worker.mjs', import.meta.url), { workerData: job });
      return new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
    }),
  );
  return parts.flat();
}
