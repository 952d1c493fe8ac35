import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiProcess } from './fixtures/api-process.js';
import { runServerUntilExit, type ServerExit } from './fixtures/server-exit.js';

const ISSUER = 'https://dev-123.okta.com/oauth2/default';
const PASSWORD = 'pw-never-printed';

/** Generous for a slow machine, and far below the half-minute of retries this replaces. */
const BOUND_MS = 10_000;

function expectOneLine(result: ServerExit, cause: string): void {
  expect(result).toMatchObject({ code: 1, stack: false });
  expect(result.lines).toEqual([`Configuration error: DATABASE_URL: ${cause}`]);
  expect(result.elapsedMs).toBeLessThan(BOUND_MS);
  expect(result.output).not.toContain(PASSWORD);
}

/** A port that accepts connections and never says a word, as behind a firewall that drops packets. */
async function silentPort(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('startup with a DATABASE_URL that parses but leads nowhere', () => {
  const start = (url: string, env: Record<string, string> = {}) =>
    runServerUntilExit({ OKTA_ISSUER: ISSUER, METRICS_PORT: 'off', DATABASE_URL: url, ...env });

  it('exits 1 in one line when nothing listens at the PostgreSQL port', async () => {
    expectOneLine(
      await start(`postgres://app:${PASSWORD}@127.0.0.1:1/messages`),
      'connection refused at 127.0.0.1:1 (ECONNREFUSED): is PostgreSQL running and listening there?',
    );
  });

  it('exits 1 in one line, after DATABASE_CONNECT_TIMEOUT_MS, when the PostgreSQL port never answers', async () => {
    const silent = await silentPort();
    try {
      const result = await start(`postgres://app:${PASSWORD}@127.0.0.1:${silent.port}/messages`, {
        DATABASE_CONNECT_TIMEOUT_MS: '1000',
      });
      expectOneLine(
        result,
        `no answer from 127.0.0.1:${silent.port} within 1000 ms (DATABASE_CONNECT_TIMEOUT_MS): check the host and port`,
      );
      expect(result.elapsedMs).toBeGreaterThanOrEqual(1000);
    } finally {
      await silent.close();
    }
  });

  it('exits 1 in one line when a file stands where the SQLite directory should be', async () => {
    expectOneLine(
      await start('sqlite:/dev/null/x.db'),
      'SQLite cannot create directory /dev/null for /dev/null/x.db: it exists and is not a directory (ENOTDIR)',
    );
  });

  it('exits 1 in one line, rather than spinning, for a SQLite path under /proc', async () => {
    const inNewDirectory = await start('sqlite:/proc/no-such-dir/x.db');
    expect(inNewDirectory.code).toBe(1);
    expect(inNewDirectory.lines).toHaveLength(1);
    expect(inNewDirectory.output).toMatch(
      /^Configuration error: DATABASE_URL: SQLite cannot create directory \/proc\/no-such-dir for \/proc\/no-such-dir\/x\.db: .+ \(E[A-Z]+\)$/,
    );
    expect(inNewDirectory.elapsedMs).toBeLessThan(BOUND_MS);
    expectOneLine(
      await start('sqlite:/proc/x.db'),
      'SQLite cannot open or create the file /proc/x.db (SQLITE_CANTOPEN): check the path and that its directory is writable',
    );
  });

  it('creates the missing directories above a SQLite file and starts', async () => {
    const root = mkdtempSync(join(tmpdir(), 'messages-startup-'));
    try {
      const api = await startApiProcess({ DATABASE_URL: `sqlite:${join(root, 'a', 'b', 'messages.db')}` });
      await api.stop();
      expect(api.output()).not.toContain('Configuration error');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
