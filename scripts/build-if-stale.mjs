// `npm start`'s first step: `npm run build`, unless the bundle it would write (dist/server.js) is
// already newer than everything it is built from. A fresh clone, or a changed source, builds; a
// start right after `npm run build` does not build again, so it takes about a second rather than
// ten. Several instances started at once from one stale checkout build once: the first takes a
// lock file (dist/.build.lock), the others wait for it and then find dist/ fresh.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/**
 * A lock older than this is taken over even if its pid is alive (the pid was reused by another
 * process); a build takes well under a minute.
 */
const LOCK_MAX_AGE_MS = 10 * 60_000;

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The lock's content, or undefined when there is none. */
function readLock(lock) {
  try {
    return readFileSync(lock, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Whether the build that wrote `content` into `lock` has died (or the lock is too old to trust). */
function lockIsAbandoned(lock, content) {
  const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
  if (age > LOCK_MAX_AGE_MS) return true;
  const pid = Number.parseInt(content, 10);
  // Our own pid in a lock we have not taken: a build killed before a restart that reused its pid
  // (in a container, the same start sequence gets the same pids).
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return error.code === 'ESRCH';
  }
}

/**
 * Runs `fn` while holding `root`'s build lock, a file created whole (written aside, then
 * hard-linked into place, which fails if it exists) with the holder's pid. Waits while another
 * live process holds it; takes over a lock whose holder died (a build interrupted by Ctrl-C).
 */
export function withBuildLock(root, fn) {
  mkdirSync(join(root, 'dist'), { recursive: true });
  const lock = join(root, 'dist', '.build.lock');
  const mine = `${process.pid} ${randomUUID()}\n`;
  const aside = `${lock}.${process.pid}`;
  writeFileSync(aside, mine);
  let announced = false;
  try {
    for (;;) {
      try {
        linkSync(aside, lock);
        break;
      } catch (error) {
        if (error.code !== 'EEXIST') throw error;
      }
      const held = readLock(lock);
      if (held === undefined) continue;
      if (lockIsAbandoned(lock, held)) {
        // Removed only if it is still the abandoned one: another waiter may have taken it over.
        if (readLock(lock) === held) rmSync(lock, { force: true });
        continue;
      }
      if (!announced) {
        process.stderr.write(
          `waiting for another build of dist/ (pid ${Number.parseInt(held, 10)}) to finish\n`,
        );
        announced = true;
      }
      sleep(200);
    }
  } finally {
    rmSync(aside, { force: true });
  }
  try {
    return fn();
  } finally {
    if (readLock(lock) === mine) rmSync(lock, { force: true });
  }
}

/** Runs `npm run build` in `root` and answers its exit status. */
export function build(root) {
  // npm sets npm_execpath when it runs a script; `npm` on the PATH otherwise.
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
  const { status, error } = spawnSync(npm[0], [...npm.slice(1), 'run', '-s', 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (error) throw error;
  return status ?? 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  if (buildIsStale(root)) {
    // Checked again under the lock: whoever held it before may just have built.
    process.exitCode = withBuildLock(root, () => (buildIsStale(root) ? build(root) : 0));
  }
}
