import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `node dist/main.js` without OKTA_ISSUER, outside production: the built-in issuer is loaded on demand. */
describe('server process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'issue-bench-server-'));

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts the development issuer when OKTA_ISSUER is unset', async () => {
    const child = spawn(process.execPath, ['dist/main.js'], {
      env: {
        PATH: process.env.PATH ?? '',
        NO_COLOR: '1',
        PORT: '0',
        DEV_ISSUER_PORT: '0',
        DATABASE_URL: `sqlite:${join(dir, 'messages.db')}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const listening = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start:\n${output}`)), 20000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /API listening on (http:\/\/[^\s]+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
    try {
      expect(output).toContain('using the built-in development issuer');
      const live = await fetch(`${listening}/health/live`);
      expect(live.status).toBe(200);
    } finally {
      await new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
    }
  });
});
