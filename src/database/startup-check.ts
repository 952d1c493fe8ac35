import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config.js';
import { ConfigError } from '../config/load-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { describeDatabaseFailure } from './startup-failure.js';

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
  } catch (error) {
    throw new ConfigError(describeDatabaseFailure(error, database));
  } finally {
    if (dataSource?.isInitialized) await dataSource.destroy();
  }
}
