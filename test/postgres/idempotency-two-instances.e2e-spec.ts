import pg from 'pg';
import { startApiProcess, type ApiProcess } from '../fixtures/api-process.js';
import { JwksServer } from '../fixtures/jwks-server.js';
import { generateTestKey } from '../fixtures/keys.js';
import { createPostgresDatabase, type TestDatabase } from '../fixtures/test-database.js';
import { signAccessToken } from '../fixtures/tokens.js';

const KEYS = 40;
const TWINS_PER_KEY = 10;

describe('Idempotency-Key across two API processes on one PostgreSQL database', () => {
  const key = generateTestKey();
  const jwks = new JwksServer([key]);
  let database: TestDatabase;
  let instances: ApiProcess[] = [];
  let token: string;

  beforeAll(async () => {
    const issuer = await jwks.start();
    token = signAccessToken({ issuer, key, claims: { sub: 'retrier@example.com' } });
    database = await createPostgresDatabase();
    instances = await Promise.all(
      [1, 2].map(() =>
        startApiProcess({ OKTA_ISSUER: issuer, DATABASE_URL: database.url, RATE_LIMIT_PER_CALLER: '0' }),
      ),
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all(instances.map((api) => api.stop()));
    await jwks.stop();
    await database.drop();
  });

  async function post(api: ApiProcess, idempotencyKey: string, text: string) {
    const response = await fetch(`${api.url}/api/messages`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': idempotencyKey,
      },
      body: JSON.stringify({ text }),
    });
    return { status: response.status, body: (await response.json()) as { id?: string } };
  }

  it('writes exactly one message per key when both instances receive its twins at once, many times over', async () => {
    const rounds = Array.from({ length: KEYS }, (_, k) =>
      Promise.all(
        Array.from({ length: TWINS_PER_KEY }, (_, i) =>
          post(instances[i % 2], `twin-${k}`, `twin message ${k}`),
        ),
      ),
    );
    const answers = await Promise.all(rounds);
    for (const twins of answers) {
      expect(twins.filter((answer) => answer.status !== 201 && answer.status !== 409)).toEqual([]);
      const ids = new Set(twins.filter((answer) => answer.status === 201).map((answer) => answer.body.id));
      expect(ids.size).toBe(1);
    }

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string; texts: string }>(
        `SELECT count(*) AS n, count(DISTINCT text) AS texts FROM messages WHERE text LIKE 'twin message %'`,
      );
      expect(rows[0]).toEqual({ n: String(KEYS), texts: String(KEYS) });
    } finally {
      await client.end();
    }

    // Once settled, every twin is answered with its key's one message, from either instance.
    for (let k = 0; k < KEYS; k += 1) {
      const [a, b] = await Promise.all(instances.map((api) => post(api, `twin-${k}`, `twin message ${k}`)));
      expect(a).toEqual({ status: 201, body: expect.objectContaining({ id: expect.any(String) }) });
      expect(b.body).toEqual(a.body);
    }
  });
});
