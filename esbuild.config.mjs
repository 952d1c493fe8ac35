// `npm run build`, second step: bundles the compiled server (dist/main.js, from `nest build`) into
// one file, dist/server.js, which `npm start` runs. Loading one file instead of ~1,500 modules cuts
// start-up from about 2.8 s to about 1 s and resident memory by about 30 MB; see the README's
// "Performance" section. The bundle starts from tsc's output, so the decorator metadata Nest's
// dependency injection reads (`emitDecoratorMetadata`, which esbuild does not emit) is already there.
import { build } from 'esbuild';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asciiSource } from './scripts/ascii-source.mjs';

/**
 * Left to Node at run time:
 * - native or optional modules (better-sqlite3's addon, pg-native);
 * - swagger-ui-dist, which serves its own files from its folder, and pino, whose transports (the
 *   pretty development logs) run its files in worker threads;
 * - optional Nest packages this app does not install (loaded only by features it does not use);
 * - the development issuer, loaded only when OKTA_ISSUER is unset and never in production.
 */
const external = [
  'better-sqlite3',
  'pg-native',
  'swagger-ui-dist',
  'pino',
  '@nestjs/microservices',
  '@nestjs/microservices/*',
  '@nestjs/websockets',
  '@nestjs/websockets/*',
  '@nestjs/platform-express',
  '@fastify/view',
  '@fastify/multipart',
  // @nestjs/mapped-types tries `class-transformer/cjs/storage` first (bundled); this is its fallback.
  'class-transformer/storage',
  './dev-issuer/dev-issuer.js',
];

/**
 * A few Nest packages load optional peers with `createRequire(import.meta.url)('pkg')`, which
 * esbuild cannot follow: at run time each such call would load a second, unbundled copy of the
 * package (typeorm, @nestjs/swagger and all of @nestjs/common behind it). Dropping the local
 * `require` binding turns those calls into plain `require()`s that esbuild bundles.
 */
const LOCAL_REQUIRE = /^const require = createRequire\(import\.meta\.url\);$/m;

/**
 * In one bundle esbuild renames classes whose names would clash: tsc's `let X = class X {` (a
 * decorated class) becomes `class X2`, and a class in a module loaded through `require()` becomes
 * `class _X`. `X.name` would change with it, and Nest's logs, error messages and OpenAPI names
 * would say `MessagesService2` or `_InstanceLoader`. A static block restores each name. esbuild's
 * own `keepNames` does this too, but also wraps every named closure, which Nest and Fastify create
 * on every request (measured: about a fifth more CPU per request).
 */
const CLASS_HEADER =
  /^((?:export )?(?:let ([\w$]+) = (?:[\w$]+ = )?class \2|class ([\w$]+))(?: extends [^{\n]+)? \{)$/gm;
const keepClassName = (header, _, decorated, declared) =>
  `${header}\n    static { Object.defineProperty(this, "name", { value: "${decorated ?? declared}" }); }`;

/**
 * @nestjs/terminus loads the peers of its TypeORM indicator with `import(packageName)`, a name
 * esbuild cannot see: at run time that would load an unbundled @nestjs/typeorm whose data source
 * token is not the app's, and readiness would report the database down. The names it asks for
 * here are mapped to the bundled modules; the build fails if terminus stops matching.
 */
const TERMINUS_PEERS = {
  file: /[\\/]@nestjs[\\/]terminus[\\/]dist[\\/]utils[\\/]checkPackage\.util\.js$/,
  from: 'const pkg = await import(packageName);',
  to: `const pkg = await ({ '@nestjs/typeorm': () => import('@nestjs/typeorm'), typeorm: () => import('typeorm') }[packageName] ?? (() => import(packageName)))();`,
};

/**
 * Nest's two logger modules each build an `Intl.DateTimeFormat` as they load, for the timestamps of
 * Nest's console output. This app logs through pino and writes that output only before its logger
 * is up, in development; but building a formatter loads ICU's locale and time-zone data: about 6 MB
 * of resident memory and some 20 ms of start-up. Each is built on first use instead. Should Nest
 * change these lines, nothing is replaced, and a test (test/bundle.e2e-spec.ts) sees the
 * formatters again.
 */
const LAZY_DATE_FORMAT = {
  file: /[\\/]@nestjs[\\/]common[\\/]services[\\/](?:console-)?logger\.service\.js$/,
  from: 'const dateTimeFormatter = new Intl.DateTimeFormat(',
  to: 'const dateTimeFormatter = lazyDateTimeFormat(',
  helper: `
function lazyDateTimeFormat(locales, options) {
  let formatter;
  return { format: (date) => (formatter ??= new Intl.DateTimeFormat(locales, options)).format(date) };
}
`,
};

const root = dirname(fileURLToPath(import.meta.url));
const ownOutput = join(root, 'dist') + sep;
/** This app's compiled files, or a file of a Nest package itself (not of a package nested in it). */
const isTscOutput = (path) =>
  (path.startsWith(ownOutput) && !path.includes(`${sep}node_modules${sep}`)) ||
  /[\\/]node_modules[\\/]@nestjs[\\/][^\\/]+[\\/](?!.*[\\/]node_modules[\\/])/.test(path);

let terminusPatched = false;
const tscOutput = {
  name: 'tsc-output',
  setup(context) {
    context.onLoad({ filter: /[\\/](dist|@nestjs)[\\/].+\.js$/ }, async ({ path }) => {
      if (!isTscOutput(path)) return undefined;
      const source = await readFile(path, 'utf8');
      let contents = source.replace(LOCAL_REQUIRE, '').replace(CLASS_HEADER, keepClassName);
      if (TERMINUS_PEERS.file.test(path)) {
        if (!contents.includes(TERMINUS_PEERS.from)) {
          throw new Error(`${path} no longer loads its peers as expected`);
        }
        contents = contents.replace(TERMINUS_PEERS.from, TERMINUS_PEERS.to);
        terminusPatched = true;
      }
      if (LAZY_DATE_FORMAT.file.test(path) && contents.includes(LAZY_DATE_FORMAT.from)) {
        contents = contents.replace(LAZY_DATE_FORMAT.from, LAZY_DATE_FORMAT.to) + LAZY_DATE_FORMAT.helper;
      }
      return contents === source ? undefined : { contents, loader: 'js', resolveDir: dirname(path) };
    });
  },
};

const result = await build({
  entryPoints: ['dist/main.js'],
  outfile: 'dist/server.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  // CommonJS packages inside an ES module bundle still call `require` for Node's own modules.
  banner: {
    js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
  },
  // Not minified, so stack traces stay readable. The source map leads back to the TypeScript;
  // `node --enable-source-maps dist/server.js` applies it, at the cost of ~70 MB of memory, so
  // `npm start` does not.
  sourcemap: true,
  sourcesContent: false,
  plugins: [tscOutput],
  logLevel: 'warning',
  // Written below instead, each file whole: an instance starting while another build runs (two
  // `npm start`s at once on a fresh checkout) never loads a half-written bundle.
  write: false,
});
if (!terminusPatched) throw new Error('@nestjs/terminus was not bundled as expected');
for (const { path, contents, text } of result.outputFiles) {
  const partial = `${path}.${process.pid}.partial`;
  // The bundle all in ASCII, so V8 keeps its source at one byte per character (see the script).
  await writeFile(partial, path.endsWith('.js') ? asciiSource(text) : contents);
  await rename(partial, path);
}
