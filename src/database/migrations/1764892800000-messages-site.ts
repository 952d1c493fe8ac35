import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messages belong to a site (SITES_FILE); those written before sites existed belong to the one
 * site the single-site variables make, `default`. Every query now starts with the site, so the
 * indexes do too. Same SQL on SQLite and PostgreSQL.
 */
export class MessagesSite1764892800000 implements MigrationInterface {
  name = 'MessagesSite1764892800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE messages ADD COLUMN site varchar(40) NOT NULL DEFAULT 'default'`);
    await queryRunner.query(`DROP INDEX idx_messages_author_created`);
    await queryRunner.query(`DROP INDEX idx_messages_created`);
    await queryRunner.query(
      `CREATE INDEX idx_messages_site_author_created ON messages (site, author, created_at, id)`,
    );
    await queryRunner.query(`CREATE INDEX idx_messages_site_created ON messages (site, created_at, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX idx_messages_site_author_created`);
    await queryRunner.query(`DROP INDEX idx_messages_site_created`);
    await queryRunner.query(`CREATE INDEX idx_messages_author_created ON messages (author, created_at, id)`);
    await queryRunner.query(`CREATE INDEX idx_messages_created ON messages (created_at, id)`);
    await queryRunner.query(`ALTER TABLE messages DROP COLUMN site`);
  }
}
