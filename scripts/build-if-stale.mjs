// `npm start`'s first step: `npm run build`, unless the bundle it would write (dist/server.js) is
// already newer than everything it is built from. A fresh clone, or a changed source, builds; a
// start right after `npm run build` does not build again, so it takes about a second rather than
// ten, and several instances started at once from one checkout do not rebuild dist/ under each
// other.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** What dist/ is built from: the sources, the build's configuration and the installed packages. */
export const BUILD_INPUTS = [
  'src',
  'package.json',
  'package-lock.json',
  'node_modules/.package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
  'esbuild.config.mjs',
  'scripts/ascii-source.mjs',
];

/** The latest modification time under `path` (a file or a folder, walked whole), or 0 if absent. */
function newestUnder(path) {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) return 0;
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestUnder(join(path, entry)));
  return newest;
}

/** Whether `npm run build` has to run in `root`: no bundle yet, or an input changed after it. */
export function buildIsStale(root) {
  const bundle = statSync(join(root, 'dist', 'server.js'), { throwIfNoEntry: false });
  if (!bundle) return true;
  return BUILD_INPUTS.some((input) => newestUnder(join(root, input)) > bundle.mtimeMs);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  if (buildIsStale(root)) {
    // npm sets npm_execpath when it runs a script; `npm` on the PATH otherwise.
    const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
    const { status, error } = spawnSync(npm[0], [...npm.slice(1), 'run', '-s', 'build'], {
      cwd: root,
      stdio: 'inherit',
    });
    if (error) throw error;
    process.exitCode = status ?? 1;
  }
}
