import request from 'supertest';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/load-config.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { CreateMessages1763712000000 } from '../src/database/migrations/1763712000000-create-messages.js';
import { CreateIdempotencyKeys1764806400000 } from '../src/database/migrations/1764806400000-create-idempotency-keys.js';
import { startSitesTestEnv, type SiteId, type SitesTestEnv } from './fixtures/sites-test-env.js';
import { createTestDatabase } from './fixtures/test-database.js';

const ALICE = 'alice@example.com';

/** The ids of a page of messages. */
function ids(response: { body: unknown }): string[] {
  return (response.body as { messages: { id: string }[] }).messages.map((message) => message.id);
}
const BOB = 'bob@example.com';

/** The contract's "Several sites in one deployment": messages belong to the site they were written on. */
describe('several sites: messages', () => {
  let env: SitesTestEnv;

  beforeAll(async () => {
    env = await startSitesTestEnv();
  });
  afterAll(() => env.close());

  const as = (site: SiteId, sub: string, groups: string[] = []) =>
    `Bearer ${env.token(site, { claims: { sub, groups } })}`;
  const admin = (site: SiteId) => as(site, `admin@${site}`, [`${site} admins`]);

  async function post(site: SiteId, sub: string, text: string): Promise<string> {
    const response = await request(env.api.server)
      .post('/api/messages')
      .set('Authorization', as(site, sub))
      .send({ text })
      .expect(201);
    return (response.body as { id: string }).id;
  }

  it('keeps each site to its own messages: reads, deletes and admin listings of another site find nothing', async () => {
    const onA = await post('site-a', ALICE, 'written on site a');
    const onB = await post('site-b', ALICE, 'written on site b');
    // site-c shares site-a's authorization server: still another site.
    const onC = await post('site-c', BOB, 'written on site c');

    // The same person (same sub, same Okta org) sees only the site of the token.
    const listA = await request(env.api.server)
      .get('/api/messages')
      .set('Authorization', as('site-a', ALICE));
    expect(ids(listA)).toEqual([onA]);

    for (const [site, foreign] of [
      ['site-a', [onB, onC]],
      ['site-b', [onA, onC]],
      ['site-c', [onA, onB]],
    ] as const) {
      for (const id of foreign) {
        for (const token of [as(site, ALICE), as(site, BOB), admin(site)]) {
          await request(env.api.server).get(`/api/messages/${id}`).set('Authorization', token).expect(404);
          await request(env.api.server).delete(`/api/messages/${id}`).set('Authorization', token).expect(404);
        }
      }
      const listing = await request(env.api.server)
        .get('/api/admin/messages')
        .set('Authorization', admin(site))
        .expect(200);
      const listed = ids(listing);
      for (const id of foreign) expect(listed).not.toContain(id);
      const byAuthor = await request(env.api.server)
        .get(`/api/admin/messages?author=${encodeURIComponent(ALICE)}`)
        .set('Authorization', admin(site))
        .expect(200);
      for (const id of foreign) expect(ids(byAuthor)).not.toContain(id);
    }

    // Nothing was deleted: each author still reads their message on its own site.
    await request(env.api.server)
      .get(`/api/messages/${onA}`)
      .set('Authorization', as('site-a', ALICE))
      .expect(200);
    await request(env.api.server)
      .get(`/api/messages/${onB}`)
      .set('Authorization', as('site-b', ALICE))
      .expect(200);
    await request(env.api.server)
      .get(`/api/messages/${onC}`)
      .set('Authorization', as('site-c', BOB))
      .expect(200);
  });

  it('keeps Idempotency-Keys per site: the same key from the same person on another site writes a message there', async () => {
    const send = (site: SiteId) =>
      request(env.api.server)
        .post('/api/messages')
        .set('Authorization', as(site, ALICE))
        .set('Idempotency-Key', 'same-key-everywhere')
        .send({ text: 'once per site' })
        .expect(201);
    const onA = await send('site-a');
    const onB = await send('site-b');
    expect(onB.headers['idempotent-replayed']).toBeUndefined();
    expect(onB.body.id).not.toBe(onA.body.id);
    const again = await send('site-a');
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(onA.body.id);
    await request(env.api.server)
      .get(`/api/messages/${onB.body.id}`)
      .set('Authorization', as('site-b', ALICE))
      .expect(200);
    await request(env.api.server)
      .get(`/api/messages/${onB.body.id}`)
      .set('Authorization', as('site-a', ALICE))
      .expect(404);
  });

  it("lets a site's admin read and delete others' messages on that site, and nowhere else", async () => {
    const onA = await post('site-a', BOB, 'for the site-a admin');
    const onB = await post('site-b', BOB, 'not for the site-a admin');
    const siteAAdmins = ['site-a admins'];
    // The admin of site a, with a token for site b: an ordinary caller there.
    await request(env.api.server)
      .get('/api/admin/messages')
      .set('Authorization', as('site-b', 'admin@site-a', siteAAdmins))
      .expect(403);
    await request(env.api.server)
      .delete(`/api/messages/${onB}`)
      .set('Authorization', as('site-b', 'admin@site-a', siteAAdmins))
      .expect(404);

    const listing = await request(env.api.server)
      .get('/api/admin/messages')
      .set('Authorization', admin('site-a'))
      .expect(200);
    expect(ids(listing)).toContain(onA);
    await request(env.api.server)
      .get(`/api/messages/${onA}`)
      .set('Authorization', admin('site-a'))
      .expect(200);
    await request(env.api.server)
      .delete(`/api/messages/${onA}`)
      .set('Authorization', admin('site-a'))
      .expect(204);
    await request(env.api.server)
      .get(`/api/messages/${onB}`)
      .set('Authorization', as('site-b', BOB))
      .expect(200);
  });
});

describe('the site migration', () => {
  it('gives messages and idempotency keys written before sites existed to the site "default"', async () => {
    const database = await createTestDatabase();
    const options = dataSourceOptions(loadConfig({ DATABASE_URL: database.url }).database);
    try {
      const before = new DataSource({
        ...options,
        migrations: [CreateMessages1763712000000, CreateIdempotencyKeys1764806400000],
        migrationsRun: false,
      });
      await before.initialize();
      await before.runMigrations();
      await before.query(
        `INSERT INTO messages (id, author, text, created_at) VALUES ('00000000-0000-4000-8000-000000000001', 'alice', 'old', 1)`,
      );
      await before.query(
        `INSERT INTO idempotency_keys (sub, key, body_hash, status, message_id, created_at) VALUES ('alice', 'k', 'h', 'done', '00000000-0000-4000-8000-000000000001', 1)`,
      );
      await before.destroy();

      const after = new DataSource({ ...options, migrationsRun: false });
      await after.initialize();
      try {
        await after.runMigrations();
        expect(await after.query(`SELECT site, author FROM messages`)).toEqual([
          { site: 'default', author: 'alice' },
        ]);
        expect(await after.query(`SELECT site, sub, key FROM idempotency_keys`)).toEqual([
          { site: 'default', sub: 'alice', key: 'k' },
        ]);
      } finally {
        await after.destroy();
      }
    } finally {
      await database.drop();
    }
  });
});
