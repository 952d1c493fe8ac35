// Builds dist/ once per test run with `npm run build`: some tests start the built server
// (`node dist/main.js`, what `npm run start:prod` runs) as a separate process.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function globalSetup() {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const { status } = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
  if (status !== 0) throw new Error(`npm run build failed (exit ${status})`);
}
