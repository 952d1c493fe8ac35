import { createHash } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, decodeJwt, EmbeddedJWK, jwtVerify, type JWK } from 'jose';
import { startDevIssuer, type DevIssuer } from './dev-issuer.js';
import { parseDpopProofCommand, runDpopProofCommand } from './dpop-proof.command.js';
import { parseTokenCommand, runTokenCommand, TokenCommandError } from './token.command.js';

/** Runs a command as the shell would; returns its exit code and what it printed. */
async function run(
  command: typeof runTokenCommand | typeof runDpopProofCommand,
  argv: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await command(
    argv,
    {},
    { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) },
  );
  return { code, stdout: stdout.trim(), stderr: stderr.trim() };
}

async function thumbprintOfKeyFile(path: string): Promise<string> {
  const { kty, crv, x, y, n, e } = JSON.parse(await readFile(path, 'utf8')) as JWK;
  const members = kty === 'EC' ? { kty, crv, x, y } : { kty, n, e };
  return calculateJwkThumbprint(members, 'sha256');
}

describe('npm run token -- --dpop and npm run dpop-proof', () => {
  let dev: DevIssuer;
  let dir: string;

  beforeAll(async () => {
    dev = await startDevIssuer({ host: '127.0.0.1', port: 0, audience: 'api://default' });
    dir = await mkdtemp(join(tmpdir(), 'dpop-commands-'));
  });
  afterAll(async () => {
    await dev.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const token = (keyFile: string, ...more: string[]) =>
    run(runTokenCommand, ['--issuer', dev.issuer, '--dpop', keyFile, ...more]);

  it.each([
    ['ES256', [], { kty: 'EC', crv: 'P-256' }],
    ['RS256', ['--dpop-alg', 'rs256'], { kty: 'RSA' }],
  ] as const)(
    'creates a private %s key file (0600) and prints a token bound to it, then reuses the key',
    async (alg, options, shape) => {
      const keyFile = join(dir, `${alg}.jwk`);
      const first = await token(keyFile, ...options);
      expect(first).toMatchObject({ code: 0, stderr: `token: created the DPoP key ${keyFile} (${alg})` });
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
      const jwk = JSON.parse(await readFile(keyFile, 'utf8')) as JWK;
      expect(jwk).toMatchObject({ ...shape, alg, d: expect.any(String) as unknown });
      if (alg === 'RS256') expect(Buffer.from(jwk.n!, 'base64url')).toHaveLength(256);

      const jkt = await thumbprintOfKeyFile(keyFile);
      expect(decodeJwt(first.stdout).cnf).toEqual({ jkt });
      const again = await token(keyFile);
      expect(again).toMatchObject({ code: 0, stderr: '' });
      expect(decodeJwt(again.stdout).cnf).toEqual({ jkt });
    },
  );

  it('refuses a key file others may read, and one that holds no private key', async () => {
    const open = join(dir, 'open.jwk');
    await token(open);
    await chmod(open, 0o644);
    expect(await token(open)).toEqual({
      code: 1,
      stdout: '',
      stderr: `token: the DPoP key file ${open} may be read by others; make it private: chmod 600 ${open}`,
    });
    const publicOnly = join(dir, 'public.jwk');
    await writeFile(publicOnly, JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }), { mode: 0o600 });
    expect((await token(publicOnly)).stderr).toMatch(/must hold a private EC P-256 \(ES256\) or RSA/);
  });

  it('checks --dpop-alg before asking anything', () => {
    expect(() => parseTokenCommand(['--dpop', 'k.jwk', '--dpop-alg', 'HS256'], {})).toThrow(
      new TokenCommandError('--dpop-alg must be ES256 or RS256, got "HS256"'),
    );
    expect(parseTokenCommand(['--dpop', 'k.jwk'], {})).toMatchObject({
      options: { dpop: { keyFile: 'k.jwk', alg: 'ES256' } },
    });
  });

  it('prints a proof that verifies with the key, with htm, htu, iat, a fresh jti, ath and nonce', async () => {
    const keyFile = join(dir, 'proof.jwk');
    const accessToken = (await token(keyFile)).stdout;
    const url = 'http://127.0.0.1:8000/api/messages?limit=5#top';
    const argv = ['--key', keyFile, 'post', url, '--token', accessToken, '--nonce', 'n-1'];
    const printed = await run(runDpopProofCommand, argv);
    expect(printed).toMatchObject({ code: 0, stderr: '' });

    const { payload, protectedHeader } = await jwtVerify(printed.stdout, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: ['ES256'],
    });
    expect(protectedHeader.jwk).not.toHaveProperty('d');
    const jkt = await calculateJwkThumbprint(protectedHeader.jwk!, 'sha256');
    expect(decodeJwt(accessToken).cnf).toEqual({ jkt });
    expect(payload).toEqual({
      jti: expect.any(String) as unknown,
      htm: 'POST',
      htu: 'http://127.0.0.1:8000/api/messages',
      iat: expect.any(Number) as unknown,
      ath: createHash('sha256').update(accessToken).digest('base64url'),
      nonce: 'n-1',
    });
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(60);

    const bare = decodeJwt((await run(runDpopProofCommand, ['--key', keyFile, 'GET', url])).stdout);
    expect(bare).not.toHaveProperty('ath');
    expect(bare).not.toHaveProperty('nonce');
    expect(bare.jti).not.toBe(payload.jti);
  });

  it('says what is wrong with its command line, and with a missing key file', async () => {
    expect(() => parseDpopProofCommand(['GET', 'http://x'])).toThrow('--key <key file> is required');
    expect(() => parseDpopProofCommand(['--key', 'k', 'GET'])).toThrow('give the request as <METHOD> <URL>');
    expect(() => parseDpopProofCommand(['--key', 'k', 'GET', 'ftp://x'])).toThrow('not an http(s) URL');
    expect(() => parseDpopProofCommand(['--key', 'k', 'G T', 'http://x'])).toThrow('not an HTTP method');
    const missing = join(dir, 'missing.jwk');
    expect(await run(runDpopProofCommand, ['--key', missing, 'GET', 'http://x/'])).toEqual({
      code: 1,
      stdout: '',
      stderr: `dpop-proof: no DPoP key file ${missing}: create one with npm run token -- --dpop ${missing}`,
    });
    expect((await run(runDpopProofCommand, ['--help'])).stdout).toMatch(/^Usage: npm run -s dpop-proof/);
  });
});
