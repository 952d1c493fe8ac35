// Builds dist/ once per test run, as `npm run build` does: some tests start the real server
// (the dist/server.js bundle) as a separate process.
import { execFileSync } from 'node:child_process';

export default function globalSetup() {
  execFileSync(process.execPath, ['node_modules/@nestjs/cli/bin/nest.js', 'build'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['esbuild.config.mjs'], { stdio: 'inherit' });
}
