import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { startApiProcess, type ApiProcess } from '../fixtures/api-process.js';
import { dropKeys, redisClient, TEST_REDIS_URL, testKeyPrefix } from '../fixtures/redis.js';
import { TEST_DATABASE_PREFIX, TEST_POSTGRES_URL } from '../fixtures/test-database.js';

/** The recipe's shell block in docs/operating.md, under "Two local instances". */
function recipe(): string[] {
  const page = readFileSync(new URL('../../docs/operating.md', import.meta.url), 'utf8');
  const section = page.slice(page.indexOf('### Two local instances'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

/** `A=1 B=2 npm start` → { A: '1', B: '2' }. */
function envOf(line: string): Record<string, string> {
  const words = line.split(/\s+/);
  expect(words.slice(-2)).toEqual(['npm', 'start']);
  return Object.fromEntries(words.slice(0, -2).map((word) => word.split('=', 2) as [string, string]));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the two-local-instances recipe of docs/operating.md', () => {
  const database = `${TEST_DATABASE_PREFIX}recipe_${process.pid}`;
  const prefix = testKeyPrefix();
  const instances: ApiProcess[] = [];

  afterAll(async () => {
    await Promise.all(instances.map((api) => api.stop()));
    spawnSync('dropdb', ['--if-exists', '--force', ...adminArgs(), database]);
    await dropKeys(await redisClient(), prefix);
  });

  /** Host and user of the test server, for createdb and dropdb. */
  function adminArgs(): string[] {
    const url = new URL(TEST_POSTGRES_URL);
    return [
      '-h',
      url.hostname,
      '-p',
      url.port || '5432',
      '-U',
      decodeURIComponent(url.username || 'postgres'),
    ];
  }

  it('runs as written: B accepts tokens of A’s issuer, reads what A wrote, and counts the caller with A', async () => {
    const lines = recipe();
    expect(lines).toHaveLength(3);
    const [create, a, b] = lines;
    // The same commands, with free ports, this test's database, and the built server for `npm start`.
    const ports = new Map<string, string>();
    for (const port of ['8000', '8001', '8002', '9464', '9465']) ports.set(port, String(await freePort()));
    const adapt = (text: string) =>
      text
        .replace(/\b(8000|8001|8002|9464|9465)\b/g, (port) => ports.get(port)!)
        .replace(/\/messages\b/, `/${database}`);
    expect(create).toBe('createdb -h 127.0.0.1 -U postgres messages');
    execFileSync('createdb', [...adminArgs(), database]);
    const postgresBase = `${TEST_POSTGRES_URL.replace(/\/[^/]*$/, '')}/${database}`;
    // The recipe's Redis, with this test's key prefix so that it meets no other run's keys.
    const shared = { DATABASE_URL: postgresBase, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix };
    const envA: Record<string, string> = { ...envOf(adapt(a)), ...shared };
    const envB: Record<string, string> = { ...envOf(adapt(b)), ...shared };
    expect(envOf(a).REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(envOf(b).REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(Object.keys(envA).sort()).toEqual([
      'DATABASE_URL',
      'DEV_ISSUER_PORT',
      'METRICS_PORT',
      'PORT',
      'REDIS_KEY_PREFIX',
      'REDIS_URL',
    ]);
    expect(Object.keys(envB).sort()).toEqual([
      'DATABASE_URL',
      'METRICS_PORT',
      'OKTA_ISSUER',
      'PORT',
      'REDIS_KEY_PREFIX',
      'REDIS_URL',
    ]);

    const apiA = await startApiProcess(envA);
    instances.push(apiA);
    const apiB = await startApiProcess(envB);
    instances.push(apiB);
    expect(apiA.url).toBe(`http://127.0.0.1:${ports.get('8000')}`);
    expect(apiB.url).toBe(`http://127.0.0.1:${ports.get('8002')}`);

    const token = execFileSync(
      process.execPath,
      ['dist/dev-issuer/token.command.js', '--issuer', envB.OKTA_ISSUER],
      {
        encoding: 'utf8',
      },
    ).trim();
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const posted = await fetch(`${apiA.url}/api/messages`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ text: 'written on A' }),
    });
    expect(posted.status).toBe(201);
    const { id } = (await posted.json()) as { id: string };
    const read = await fetch(`${apiB.url}/api/messages/${id}`, { headers: auth });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { text: string }).text).toBe('written on A');
    for (const metricsPort of [ports.get('9464'), ports.get('9465')]) {
      expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(200);
    }
    // One count for the caller, whichever instance answered: the POST on A and the GET on B.
    const redis = await redisClient();
    try {
      const [key] = await redis.keys(`${prefix}rl:caller:*`);
      expect(await redis.get(key)).toBe('2');
    } finally {
      redis.disconnect();
    }
  });
});
