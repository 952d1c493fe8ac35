import request from 'supertest';
import { startOktaTestEnv, type OktaTestEnv } from '../fixtures/okta-test-env.js';
import { TcpProxy } from '../fixtures/tcp-proxy.js';
import { createPostgresDatabase, type TestDatabase } from '../fixtures/test-database.js';

/** The contract's 503 for a database outage: JSON error body, Retry-After, and quickly. */
async function expectUnavailable(send: () => request.Test): Promise<void> {
  const started = Date.now();
  const response = await send();
  expect(Date.now() - started).toBeLessThan(2000);
  expect(response.status).toBe(503);
  expect(response.headers['retry-after']).toMatch(/^\d+$/);
  expect(response.body).toEqual({
    statusCode: 503,
    error: 'Service Unavailable',
    message: expect.any(String),
  });
  expect(JSON.stringify(response.body)).not.toMatch(/ECONN|at \w+ \(|127\.0\.0\.1/);
}

describe.each(['refuse', 'blackhole'] as const)('PostgreSQL unreachable (%s)', (how) => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let env: OktaTestEnv;
  let proxyPort: string;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    const target = new URL(database.url);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    const url = new URL(database.url);
    proxyPort = String(await proxy.start());
    url.port = proxyPort;
    env = await startOktaTestEnv({ DATABASE_URL: url.toString(), DATABASE_POOL_SIZE: '4' });
  });

  afterAll(async () => {
    await env.close();
    await proxy.stop();
    await database.drop();
  });

  const auth = () => ({ Authorization: `Bearer ${env.token()}` });
  const list = () => request(env.api.server).get('/api/messages').set(auth());
  const post = (text: string) => request(env.api.server).post('/api/messages').set(auth()).send({ text });

  it('answers 503 with Retry-After within 2 s while down, reports not ready, and serves again once back', async () => {
    const before = await post('written before the outage');
    expect(before.status).toBe(201);

    await proxy.cut(how);
    await expectUnavailable(list);
    await expectUnavailable(() => post('written during the outage'));
    await expectUnavailable(() => request(env.api.server).get(`/api/messages/${before.body.id}`).set(auth()));
    const ready = await request(env.api.server).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.database).toBe('down');
    // The driver's error (which names the database's address) stays in the logs.
    expect(ready.body.details.database).toEqual({ status: 'down', message: 'the database did not answer' });
    expect(ready.text).not.toContain(`:${proxyPort}`);
    expect((await request(env.api.server).get('/health/live')).status).toBe(200);

    await proxy.restore();
    expect((await request(env.api.server).get('/health/ready')).status).toBe(200);
    const after = await post('written after the outage');
    expect(after.status).toBe(201);
    const page = await list();
    expect(page.status).toBe(200);
    // The POST that failed stored nothing; both that answered 201 are there.
    const texts = (page.body as { messages: { text: string }[] }).messages.map((m) => m.text);
    expect(texts).toEqual(['written after the outage', 'written before the outage']);
  });

  it('does not hang requests that were waiting for a connection when the database went away', async () => {
    await proxy.cut(how);
    const started = Date.now();
    const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => post(`burst ${i}`)));
    expect(Date.now() - started).toBeLessThan(4000);
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([503]));
    await proxy.restore();
    const page = await list();
    const texts = (page.body as { messages: { text: string }[] }).messages.map((m) => m.text);
    expect(texts.some((text) => text.startsWith('burst'))).toBe(false);
  });
});
