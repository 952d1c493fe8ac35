import { Logger } from '@nestjs/common';
import { MigrationExecutor, type DataSource } from 'typeorm';

/** Any constant shared by every instance of this API; `pg_advisory_lock` takes a bigint. */
export const MIGRATION_LOCK_KEY = 7_310_425_001;

const logger = new Logger('Migrations');

/**
 * Applies pending migrations on PostgreSQL while holding a session advisory lock, so that when several
 * instances start at once one applies them and the others wait, then find nothing left to do.
 * The lock and the migrations share one connection: it works with a pool of one, and the lock is
 * released by PostgreSQL itself if this process dies mid-way.
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<void> {
  const queryRunner = dataSource.createQueryRunner('master');
  try {
    await queryRunner.connect();
    await queryRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const executor = new MigrationExecutor(dataSource, queryRunner);
      executor.transaction = 'all';
      const applied = await executor.executePendingMigrations();
      if (applied.length > 0) logger.log(`applied ${applied.map((m) => m.name).join(', ')}`);
    } finally {
      await queryRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await queryRunner.release();
  }
}
