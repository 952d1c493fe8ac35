import request from 'supertest';
import { DataSource } from 'typeorm';
import { MessageEntity } from '../src/messages/message.entity.js';
import { IdempotencyKeyEntity } from '../src/messages/idempotency/idempotency-key.entity.js';
import {
  IDEMPOTENCY_KEY_TTL_MS,
  IdempotencyKeysService,
  IN_FLIGHT_LEASE_MS,
} from '../src/messages/idempotency/idempotency-keys.service.js';
import { bodyHash } from '../src/messages/idempotency/idempotent-create.service.js';
import { MetricsServer } from '../src/metrics/metrics.server.js';
import { expectErrorBody } from './fixtures/http.js';
import { sample, scrape } from './fixtures/metrics.js';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';

interface OpenApi {
  paths: Record<
    string,
    Record<string, { parameters: object[]; responses: Record<string, { headers?: Record<string, object> }> }>
  >;
}

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

/** The contract's "Behind a load balancer": `Idempotency-Key` on `POST /api/messages`. */
describe('Idempotency-Key on POST /api/messages', () => {
  let env: OktaTestEnv;
  let alice: string;
  let bob: string;
  let dataSource: DataSource;
  let keyCounter = 0;
  const freshKey = () => `key-${Date.now()}-${(keyCounter += 1)}`;

  beforeAll(async () => {
    env = await startOktaTestEnv();
    alice = env.token({ claims: { sub: ALICE } });
    bob = env.token({ claims: { sub: BOB } });
    dataSource = env.api.app.get(DataSource);
  });

  afterAll(() => env.close());

  const post = (token: string, body: object, key?: string) => {
    const call = request(env.api.server).post('/api/messages').set('Authorization', `Bearer ${token}`);
    return (key === undefined ? call : call.set('Idempotency-Key', key)).send(body);
  };
  const messageCount = () => dataSource.getRepository(MessageEntity).count();
  const keyRows = () => dataSource.getRepository(IdempotencyKeyEntity);

  it('answers a retry with the original 201, the same message and Location, and writes nothing', async () => {
    const key = freshKey();
    const first = await post(alice, { text: 'pay the rent' }, key);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const before = await messageCount();
    // The canonical body: the trimmed text, as the message is stored.
    for (const text of ['pay the rent', '  pay the rent ']) {
      const again = await post(alice, { text }, key);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers.location).toBe(`/api/messages/${first.body.id}`);
      expect(again.headers['idempotent-replayed']).toBe('true');
    }
    expect(await messageCount()).toBe(before);
  });

  it('writes each POST without a key, as before', async () => {
    const before = await messageCount();
    const [a, b] = [await post(alice, { text: 'same' }), await post(alice, { text: 'same' })];
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).not.toBe(b.body.id);
    expect(await messageCount()).toBe(before + 2);
  });

  it('refuses the same key with a different body with 422, writing nothing', async () => {
    const key = freshKey();
    expect((await post(alice, { text: 'first' }, key)).status).toBe(201);
    const before = await messageCount();
    const other = await post(alice, { text: 'second' }, key);
    expectErrorBody(other, 422);
    expect(other.body.message).toMatch(/Idempotency-Key .*different body/);
    expect(await messageCount()).toBe(before);
  });

  it("keeps each caller's keys apart: another caller's same key writes its own message", async () => {
    const key = freshKey();
    const mine = await post(alice, { text: 'shared key' }, key);
    const theirs = await post(bob, { text: 'shared key' }, key);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(theirs.body.author).toBe(BOB);
    const bobAgain = await post(bob, { text: 'shared key' }, key);
    expect(bobAgain.body).toEqual(theirs.body);
    // Another body under Bob's key is Bob's conflict, not a replay of Alice's message.
    expect((await post(bob, { text: 'other' }, key)).status).toBe(422);
  });

  it('forgets a key after 24 hours: the same key then writes a new message, and expired rows are cleaned', async () => {
    const key = freshKey();
    const first = await post(alice, { text: 'yesterday' }, key);
    await keyRows().update({ sub: ALICE, key }, { createdAt: Date.now() - IDEMPOTENCY_KEY_TTL_MS - 1000 });
    const before = await messageCount();
    const later = await post(alice, { text: 'today' }, key);
    expect(later.status).toBe(201);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(later.body.id).not.toBe(first.body.id);
    expect(await messageCount()).toBe(before + 1);

    const stale = freshKey();
    await post(alice, { text: 'to be cleaned' }, stale);
    await keyRows().update(
      { sub: ALICE, key: stale },
      { createdAt: Date.now() - IDEMPOTENCY_KEY_TTL_MS - 1 },
    );
    expect(await env.api.app.get(IdempotencyKeysService).removeExpired()).toBe(1);
    expect(await keyRows().findOneBy({ sub: ALICE, key: stale })).toBeNull();
    expect(await keyRows().findOneBy({ sub: ALICE, key })).not.toBeNull();
  });

  it('answers 409 with Retry-After while a twin is in flight, and takes over a key its writer abandoned', async () => {
    const key = freshKey();
    const messageId = '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
    const row = {
      site: 'default',
      sub: ALICE,
      key,
      bodyHash: bodyHash('hello'),
      status: 'in_flight' as const,
      messageId,
    };
    await keyRows().insert({ ...row, createdAt: Date.now() });
    const before = await messageCount();
    const busy = await post(alice, { text: 'hello' }, key);
    expectErrorBody(busy, 409);
    expect(Number(busy.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await messageCount()).toBe(before);

    await keyRows().update({ sub: ALICE, key }, { createdAt: Date.now() - IN_FLIGHT_LEASE_MS - 1000 });
    const taken = await post(alice, { text: 'hello' }, key);
    expect(taken.status).toBe(201);
    expect(taken.body.id).toBe(messageId);
    expect(await post(alice, { text: 'hello' }, key)).toMatchObject({ status: 201, body: taken.body });
    expect(await messageCount()).toBe(before + 1);
  });

  it('answers an abandoned key whose message was written after all without writing it again', async () => {
    const key = freshKey();
    const written = await post(alice, { text: 'almost lost' }, key);
    await keyRows().update(
      { sub: ALICE, key },
      { status: 'in_flight', createdAt: Date.now() - IN_FLIGHT_LEASE_MS - 1000 },
    );
    const before = await messageCount();
    const again = await post(alice, { text: 'almost lost' }, key);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(written.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await messageCount()).toBe(before);
  });

  it('answers 409 for a key whose message has since been deleted, and writes nothing', async () => {
    const key = freshKey();
    const written = await post(alice, { text: 'short-lived' }, key);
    await request(env.api.server)
      .delete(`/api/messages/${written.body.id}`)
      .set('Authorization', `Bearer ${alice}`)
      .expect(204);
    const before = await messageCount();
    const again = await post(alice, { text: 'short-lived' }, key);
    expectErrorBody(again, 409);
    expect(again.body.message).toMatch(/deleted/);
    expect(await messageCount()).toBe(before);
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(256)],
    ['with a space', 'two words'],
    ['not ASCII', 'clé'],
  ])('refuses a key that is %s with 400 naming the header, writing nothing', async (_, key) => {
    const before = await messageCount();
    const answer = await post(alice, { text: 'x' }, key);
    expectErrorBody(answer, 400);
    expect(answer.body.message).toContain('Idempotency-Key');
    expect(await messageCount()).toBe(before);
  });

  it('takes a key of exactly 255 visible characters, and stores no key for a refused body', async () => {
    const key = `${'~'.repeat(254)}!`;
    expect((await post(alice, { text: '' }, key)).status).toBe(400);
    expect((await post(alice, { text: 'now valid' }, key)).status).toBe(201);
  });

  it('writes one message for many concurrent twins: each gets it, or 409', async () => {
    const key = freshKey();
    const before = await messageCount();
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(alice, { text: 'twins' }, key)));
    const created = answers.filter((answer) => answer.status === 201);
    expect(answers.filter((answer) => answer.status !== 201).map((answer) => answer.status)).toEqual(
      Array.from({ length: 20 - created.length }, () => 409),
    );
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((answer) => (answer.body as { id: string }).id)).size).toBe(1);
    expect(await messageCount()).toBe(before + 1);
  });

  it('lets browsers send the key and read Idempotent-Replayed (CORS), and documents both in OpenAPI', async () => {
    const preflight = await request(env.api.server)
      .options('/api/messages')
      .set('Origin', 'http://localhost:8080')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type,idempotency-key');
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Idempotency-Key/i);
    const key = freshKey();
    await post(alice, { text: 'from a browser' }, key);
    const replay = await post(alice, { text: 'from a browser' }, key).set('Origin', 'http://localhost:8080');
    expect(replay.headers['access-control-expose-headers']).toContain('Idempotent-Replayed');

    const docs = await request(env.api.server).get('/api/docs-json').expect(200);
    const operation = (docs.body as OpenApi).paths['/api/messages'].post;
    expect(operation.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
    );
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['201', '409', '422']));
    expect(operation.responses['201'].headers).toHaveProperty('Idempotent-Replayed');
  });

  it('counts replays and conflicts in idempotent_requests_total', async () => {
    const text = await scrape(env.api.app.get(MetricsServer).url!);
    expect(sample(text, 'idempotent_requests_total', { outcome: 'replayed' })).toBeGreaterThanOrEqual(4);
    expect(sample(text, 'idempotent_requests_total', { outcome: 'body_mismatch' })).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'idempotent_requests_total', { outcome: 'in_flight' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'idempotent_requests_total', { outcome: 'message_deleted' })).toBe(1);
  });
});
