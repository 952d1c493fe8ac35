import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { asciiSource } from '../scripts/ascii-source.mjs';
import { startApiProcess, type ApiProcess } from './fixtures/api-process.js';
import { JwksServer } from './fixtures/jwks-server.js';
import { generateTestKey } from './fixtures/keys.js';
import { signAccessToken } from './fixtures/tokens.js';

const PRELOAD = fileURLToPath(new URL('./fixtures/module-loads/preload.mjs', import.meta.url));

/** What esbuild.config.mjs leaves to Node at run time, and what those packages load in turn. */
const EXTERNAL = new Set([
  'better-sqlite3',
  'bindings',
  'file-uri-to-path',
  'swagger-ui-dist',
  'pino',
  '@pinojs/redact',
  'atomic-sleep',
  'on-exit-leak-free',
  'pino-abstract-transport',
  'pino-std-serializers',
  'quick-format-unescaped',
  'safe-stable-stringify',
  'sonic-boom',
  'thread-stream',
]);

/**
 * `npm start` runs the dist/server.js bundle. A package loaded both from the bundle and from
 * node_modules would be two copies with two sets of classes and tokens (readiness once reported
 * the database down that way), so the built server may load from node_modules only what the
 * bundle leaves out on purpose.
 */
describe('the bundled server', () => {
  const key = generateTestKey();
  const jwks = new JwksServer([key]);
  let api: ApiProcess;

  beforeAll(async () => {
    const issuer = await jwks.start();
    api = await startApiProcess({
      NODE_ENV: 'production',
      OKTA_ISSUER: issuer,
      NODE_OPTIONS: `--import ${PRELOAD}`,
    });
    const token = signAccessToken({ issuer, key });
    const calls = [
      fetch(`${api.url}/api/messages`, { headers: { Authorization: `Bearer ${token}` } }),
      fetch(`${api.url}/health/ready`),
      fetch(`${api.url}/api/docs-json`),
      fetch(`${api.url}/api/docs`),
      fetch(`${api.url}/`),
    ];
    expect((await Promise.all(calls)).map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
  });

  afterAll(async () => {
    await api.stop();
    await jwks.stop();
  });

  it('loads from node_modules only the packages it leaves out on purpose', () => {
    const loaded = new Set(
      [...api.output().matchAll(/^module-load .*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map((m) => m[1]),
    );
    expect(loaded).toContain('better-sqlite3');
    expect([...loaded].filter((name) => !EXTERNAL.has(name))).toEqual([]);
  });

  /**
   * Nest's two logger modules build their console timestamps' formatter as they load; the build
   * defers each to its first use (esbuild.config.mjs), which production never reaches. Building one
   * loads ICU's locale and time-zone data: about 6 MB of resident memory and some 20 ms of start-up.
   */
  it('builds no Intl date formatter', () => {
    expect(api.output()).not.toMatch(/^intl-date-time-format/m);
  });

  /**
   * oauth2-mock-server may be imported only by the development issuer (`./dev-issuer/dev-issuer.js`,
   * left out of the bundle) and by modules that only it imports. A value that the app imports from
   * any such module bundles the package, with express and body-parser behind it, and runs them at
   * every start: about 1.1 MB of the bundle and a sixth of start-up CPU, in production too.
   */
  it('holds neither the development issuer nor the packages behind it', () => {
    const bundle = readFileSync(fileURLToPath(new URL('../dist/server.js', import.meta.url)), 'utf8');
    const bundled = new Set(
      [...bundle.matchAll(/^\/\/ node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map((m) => m[1]),
    );
    expect(bundled).toContain('@nestjs/core');
    expect(['oauth2-mock-server', 'express', 'body-parser'].filter((name) => bundled.has(name))).toEqual([]);
  });
});

/**
 * One character past Latin-1 anywhere in the bundle makes V8 keep its whole source as UTF-16:
 * 16 MB instead of 8 MB of the process's memory (scripts/ascii-source.mjs).
 */
describe('the bundle is ASCII', () => {
  /** Every character one byte in UTF-8. */
  const isAscii = (text: string) => Buffer.byteLength(text) === text.length;

  it('has no character outside ASCII', () => {
    const bundle = readFileSync(fileURLToPath(new URL('../dist/server.js', import.meta.url)), 'utf8');
    expect(isAscii(bundle)).toBe(true);
  });

  it('escapes regular expressions to ones that match the same strings', () => {
    const source = '/* Ç ≥ 0 */ [/^[A-ZÇƏ]+$/i, /^[ぁ-ん]+$/, /😀/, /^.$/u, /[😀]/u] // —';
    const escaped = asciiSource(source);
    expect(isAscii(escaped)).toBe(true);
    const [original, ascii] = [source, escaped].map((code) => runInNewContext(code) as RegExp[]);
    for (const text of ['ÇƏ', 'çə', 'AB', 'ぁん', 'ア', '😀', 'x😀', '\ud83d', '\ude00', 'ə']) {
      expect(ascii.map((re) => re.test(text))).toEqual(original.map((re) => re.test(text)));
    }
  });

  it('leaves ASCII source untouched and refuses what an escape would change', () => {
    const ascii = 'const x = /a/; // b';
    expect(asciiSource(ascii)).toBe(ascii);
    expect(() => asciiSource('String.raw`é`')).toThrow(/line 1/);
  });
});
