import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiProcess } from './fixtures/api-process.js';

/** `node dist/main.js` without OKTA_ISSUER, outside production: the built-in issuer is loaded on demand. */
describe('server process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'issue-bench-server-'));

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts the development issuer when OKTA_ISSUER is unset', async () => {
    const api = await startApiProcess({ DATABASE_URL: `sqlite:${join(dir, 'messages.db')}` });
    try {
      expect(api.output()).toMatch(/with issuer http:\/\/127\.0\.0\.1:\d+\/oauth2\/default/);
      const live = await fetch(`${api.url}/health/live`);
      expect(live.status).toBe(200);
    } finally {
      await api.stop();
    }
  });
});
