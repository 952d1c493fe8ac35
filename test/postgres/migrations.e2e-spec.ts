import type { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../../src/config/app-config.js';
import { loadConfig } from '../../src/config/load-config.js';
import { dataSourceOptions, migrations } from '../../src/database/data-source-options.js';
import { createDataSource } from '../../src/database/data-source.factory.js';
import { createPostgresDatabase, type TestDatabase } from '../fixtures/test-database.js';

describe('PostgreSQL migrations', () => {
  let database: TestDatabase;
  const sources: DataSource[] = [];

  beforeEach(async () => {
    database = await createPostgresDatabase();
  });

  afterEach(async () => {
    await Promise.all(sources.splice(0).map((source) => source.destroy()));
    await database.drop();
  });

  function config(poolSize: number): DatabaseConfig {
    return loadConfig({ DATABASE_URL: database.url, DATABASE_POOL_SIZE: String(poolSize) }).database;
  }

  it('applies each migration once when six instances start at the same moment on a fresh database', async () => {
    const started = await Promise.all(
      Array.from({ length: 6 }, () => createDataSource(dataSourceOptions(config(2)))),
    );
    sources.push(...started);
    const applied = await started[0].query<{ name: string }[]>('SELECT name FROM migrations');
    // Each exactly once, in order.
    expect(applied.map((row) => row.name)).toEqual(migrations.map((migration) => migration.name));
    for (const source of started) {
      await expect(source.query('SELECT count(*) AS n FROM messages')).resolves.toEqual([{ n: '0' }]);
      expect(await source.showMigrations()).toBe(false);
    }
  });

  it('runs migrations with a pool of one connection (lock and migrations share it)', async () => {
    sources.push(await createDataSource(dataSourceOptions(config(1))));
    expect(await sources[0].showMigrations()).toBe(false);
  });

  it('lets a restarted instance start on an already migrated database', async () => {
    sources.push(await createDataSource(dataSourceOptions(config(2))));
    await sources[0].query(
      `INSERT INTO messages (id, author, text, created_at) VALUES ('00000000-0000-4000-8000-000000000000', 'a', 't', 1)`,
    );
    sources.push(await createDataSource(dataSourceOptions(config(2))));
    await expect(sources[1].query('SELECT count(*) AS n FROM messages')).resolves.toEqual([{ n: '1' }]);
  });
});
