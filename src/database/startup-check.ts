import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config.js';
import { ConfigError } from '../config/load-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { describeDatabaseFailure } from './startup-failure.js';

/**
 * On a first start the migrations create tables; since PostgreSQL 15 only a schema's owner may do so
 * in `public`, so a role made just for the API would fail there, with a stack trace. Said here instead.
 */
async function checkCanCreateTables(dataSource: DataSource): Promise<void> {
  const [row] = await dataSource.query<{ schema: string | null; fresh: boolean; canCreate: boolean }[]>(
    `SELECT current_schema() AS schema, to_regclass('migrations') IS NULL AS fresh,
            coalesce(has_schema_privilege(current_schema(), 'CREATE'), false) AS "canCreate"`,
  );
  if (row?.fresh && !row.canCreate) {
    const where =
      row.schema === null ? 'any schema (search_path names none that exists)' : `schema ${row.schema}`;
    throw Object.assign(new Error(`permission denied for ${where}`), { code: '42501' });
  }
}

/**
 * Opens the configured database once and closes it, before the application is built: a database
 * that is missing, refuses, or does not answer within DATABASE_CONNECT_TIMEOUT_MS is then a
 * `ConfigError` (one line naming DATABASE_URL) rather than a retry loop with stack traces.
 * There is no retry: a supervisor restarting the process is the retry, and says so in its own log.
 */
export async function checkDatabase(database: DatabaseConfig): Promise<void> {
  if (database.type === 'sqlite' && database.path === ':memory:') return;
  let dataSource: DataSource | undefined;
  try {
    dataSource = new DataSource({ ...dataSourceOptions(database), migrationsRun: false });
    await dataSource.initialize();
    if (database.type === 'postgres') await checkCanCreateTables(dataSource);
  } catch (error) {
    throw new ConfigError(describeDatabaseFailure(error, database));
  } finally {
    if (dataSource?.isInitialized) await dataSource.destroy();
  }
}
