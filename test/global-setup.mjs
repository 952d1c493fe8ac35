// Builds dist/ once per test run, as `npm run build` does: some tests start the real server
// (the dist/server.js bundle) as a separate process. Under the build lock `npm start` takes, so
// that two test runs, or a test run and a start, in one checkout do not rebuild dist/ under each
// other.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withBuildLock } from '../scripts/build-if-stale.mjs';

export default function globalSetup() {
  const root = fileURLToPath(new URL('..', import.meta.url));
  withBuildLock(root, () => {
    const build = (args) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
    build(['node_modules/@nestjs/cli/bin/nest.js', 'build']);
    build(['esbuild.config.mjs']);
  });
}
