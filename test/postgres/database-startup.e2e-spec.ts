import { runServerUntilExit } from '../fixtures/server-exit.js';
import { TEST_POSTGRES_URL } from '../fixtures/test-database.js';

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
});
