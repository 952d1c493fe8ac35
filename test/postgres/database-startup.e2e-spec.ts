import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runServerUntilExit } from '../fixtures/server-exit.js';
import {
  createPostgresDatabase,
  TEST_DATABASE_PREFIX,
  TEST_POSTGRES_URL,
} from '../fixtures/test-database.js';

const ISSUER = 'https://dev-123.okta.com/oauth2/default';
const PASSWORD = 'pw-never-printed';

/** The test server's address with another role, password and database, as an operator might mistype them. */
function mistyped({ role, database }: { role?: string; database?: string }): { url: string; at: string } {
  const url = new URL(TEST_POSTGRES_URL);
  if (role !== undefined) url.username = role;
  url.password = PASSWORD;
  if (database !== undefined) url.pathname = `/${database}`;
  return { url: url.toString(), at: `${url.hostname}:${url.port || '5432'}` };
}

describe('startup against a running PostgreSQL with a mistaken DATABASE_URL', () => {
  const start = (url: string) =>
    runServerUntilExit({ OKTA_ISSUER: ISSUER, METRICS_PORT: 'off', DATABASE_URL: url });

  it.each([
    [
      'a database that does not exist',
      mistyped({ database: 'no_such_database_here' }),
      (at: string) =>
        `database "no_such_database_here" does not exist on ${at} (3D000): create it or correct the name`,
    ],
    [
      'a role that does not exist',
      mistyped({ role: 'no_such_role_here' }),
      (at: string) =>
        `authentication failed for role "no_such_role_here" on ${at}: role "no_such_role_here" does not exist (28000)`,
    ],
  ])('exits 1 at once with one line naming DATABASE_URL for %s', async (_, { url, at }, cause) => {
    const result = await start(url);
    expect(result).toMatchObject({ code: 1, stack: false });
    expect(result.lines).toEqual([`Configuration error: DATABASE_URL: ${cause(at)}`]);
    // Generous for a slow machine, and far below the half-minute of retries this replaces.
    expect(result.elapsedMs).toBeLessThan(10_000);
    expect(result.output).not.toContain(PASSWORD);
  });

  it('exits 1 at once with one line naming DATABASE_URL when the role may not create the tables', async () => {
    const database = await createPostgresDatabase();
    const role = `${TEST_DATABASE_PREFIX}role_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    try {
      // A login role and nothing more: as on PostgreSQL 15 and later, it may not create tables in public.
      await admin.query(`CREATE ROLE ${role} LOGIN`);
      const owner = new pg.Client({ connectionString: database.url });
      await owner.connect();
      await owner.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC').finally(() => owner.end());
      const url = new URL(database.url);
      url.username = role;
      url.password = PASSWORD;
      const result = await start(url.toString());
      expect(result).toMatchObject({ code: 1, stack: false });
      expect(result.lines).toEqual([
        `Configuration error: DATABASE_URL: role "${role}" may not create this API's tables in database "${url.pathname.slice(1)}": permission denied for schema public (42501); make the role the database owner, or GRANT CREATE ON SCHEMA to it`,
      ]);
      expect(result.elapsedMs).toBeLessThan(10_000);
      expect(result.output).not.toContain(PASSWORD);
    } finally {
      await database.drop();
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.end();
    }
  });
});
