// Builds dist/ once per test run with `npm run build`: some tests start the real server (the
// dist/server.js bundle) as a separate process. Under the build lock `npm start` takes, so that two
// test runs, or a test run and a start, in one checkout do not rebuild dist/ under each other.
import { fileURLToPath } from 'node:url';
import { build, withBuildLock } from '../scripts/build-if-stale.mjs';

export default function globalSetup() {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const status = withBuildLock(root, () => build(root));
  if (status !== 0) throw new Error(`npm run build failed (exit ${status})`);
}
