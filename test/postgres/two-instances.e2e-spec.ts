import pg from 'pg';
import { startApiProcess, type ApiProcess } from '../fixtures/api-process.js';
import { JwksServer } from '../fixtures/jwks-server.js';
import { generateTestKey } from '../fixtures/keys.js';
import { createPostgresDatabase, type TestDatabase } from '../fixtures/test-database.js';
import { signAccessToken } from '../fixtures/tokens.js';

interface Page {
  messages: Message[];
  nextCursor: string | null;
}

interface Message {
  id: string;
  text: string;
  author: string;
}

describe('two API processes on one PostgreSQL database', () => {
  const key = generateTestKey();
  const jwks = new JwksServer([key]);
  let database: TestDatabase;
  let instances: ApiProcess[] = [];
  const users = Array.from({ length: 10 }, (_, i) => `user${i}@example.com`);
  const tokens = new Map<string, string>();
  let adminToken: string;

  beforeAll(async () => {
    const issuer = await jwks.start();
    for (const sub of users) tokens.set(sub, signAccessToken({ issuer, key, claims: { sub } }));
    adminToken = signAccessToken({ issuer, key, claims: { sub: 'admin@example.com', groups: ['Admins'] } });
    database = await createPostgresDatabase();
    // Both start at once on the empty database: one applies the migrations, the other waits for it.
    instances = await Promise.all(
      [1, 2].map(() => startApiProcess({ OKTA_ISSUER: issuer, DATABASE_URL: database.url })),
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all(instances.map((api) => api.stop()));
    await jwks.stop();
    await database.drop();
  });

  async function call<T>(api: ApiProcess, path: string, token: string, body?: unknown) {
    const response = await fetch(`${api.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  async function readAll(path: string, token: string, limit: number): Promise<Message[]> {
    const all: Message[] = [];
    let cursor: string | null = null;
    for (let page = 0; ; page += 1) {
      const api = instances[page % 2]; // alternate instances from page to page
      const query: string = `${path}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const { status, body } = await call<Page>(api, query, token);
      expect(status).toBe(200);
      all.push(...body.messages);
      cursor = body.nextCursor;
      if (cursor === null) return all;
    }
  }

  it('reads through one instance a message written through the other', async () => {
    const [a, b] = instances;
    const written = await call<Message>(a, '/api/messages', tokens.get(users[0])!, { text: 'hello from A' });
    expect(written.status).toBe(201);
    const read = await call<Message>(b, `/api/messages/${written.body.id}`, tokens.get(users[0])!);
    expect(read).toEqual({ status: 200, body: written.body });
  });

  it('stores 500 concurrent POSTs spread over both exactly once, and every read path sees all of them', async () => {
    const posts = Array.from({ length: 500 }, (_, i) => {
      const sub = users[i % users.length];
      return call<Message>(instances[i % 2], '/api/messages', tokens.get(sub)!, { text: `concurrent ${i}` });
    });
    const results = await Promise.all(posts);
    expect(results.filter((r) => r.status !== 201)).toEqual([]);
    const ids = new Set(results.map((r) => r.body.id));
    expect(ids.size).toBe(500);

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string; texts: string }>(
        `SELECT count(*) AS n, count(DISTINCT text) AS texts FROM messages WHERE text LIKE 'concurrent %'`,
      );
      expect(rows[0]).toEqual({ n: '500', texts: '500' });
    } finally {
      await client.end();
    }

    // Admin, pages of 37 alternating between instances: every message once, newest first.
    const adminView = await readAll('/api/admin/messages', adminToken, 37);
    expect(adminView).toHaveLength(501);
    expect(new Set(adminView.map((m) => m.id)).size).toBe(501);
    for (const id of ids) expect(adminView.some((m) => m.id === id)).toBe(true);

    // Each author, pages of 7 alternating between instances: exactly their own 50 (+1 for user0).
    for (const sub of users) {
      const own = await readAll('/api/messages', tokens.get(sub)!, 7);
      expect(own.every((m) => m.author === sub)).toBe(true);
      expect(new Set(own.map((m) => m.id)).size).toBe(own.length);
      expect(own).toHaveLength(sub === users[0] ? 51 : 50);
    }
  });
});
