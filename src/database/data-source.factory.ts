import { DataSource, type DataSourceOptions } from 'typeorm';
import { runMigrationsLocked } from './migration-lock.js';

/** SQLite runs its migrations in `initialize()`; PostgreSQL runs them here, under an advisory lock. */
export async function createDataSource(options?: DataSourceOptions): Promise<DataSource> {
  if (!options) throw new Error('no data source options');
  const dataSource = await new DataSource(options).initialize();
  if (options.type === 'postgres') {
    try {
      await runMigrationsLocked(dataSource);
    } catch (error) {
      await dataSource.destroy();
      throw error;
    }
  }
  return dataSource;
}
