import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messages and idempotency keys belong to a site (SITES_FILE); those written before sites existed
 * belong to the one site the single-site variables make, `default`. Every query now starts with
 * the site, so the indexes and the keys' primary key do too. Same SQL on SQLite and PostgreSQL
 * (SQLite cannot change a primary key: the keys' table is rebuilt).
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
    await queryRunner.query(
      `CREATE TABLE idempotency_keys_by_site (
        site varchar(40) NOT NULL,
        sub text NOT NULL,
        key varchar(255) NOT NULL,
        body_hash varchar(64) NOT NULL,
        status varchar(9) NOT NULL,
        message_id varchar(36) NOT NULL,
        created_at bigint NOT NULL,
        PRIMARY KEY (site, sub, key)
      )`,
    );
    await queryRunner.query(
      `INSERT INTO idempotency_keys_by_site (site, sub, key, body_hash, status, message_id, created_at)
       SELECT 'default', sub, key, body_hash, status, message_id, created_at FROM idempotency_keys`,
    );
    await queryRunner.query(`DROP TABLE idempotency_keys`);
    await queryRunner.query(`ALTER TABLE idempotency_keys_by_site RENAME TO idempotency_keys`);
    await queryRunner.query(`CREATE INDEX idx_idempotency_keys_created ON idempotency_keys (created_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Keys of other sites would collide once the site is gone from the primary key.
    await queryRunner.query(`DELETE FROM idempotency_keys WHERE site <> 'default'`);
    await queryRunner.query(
      `CREATE TABLE idempotency_keys_single (
        sub text NOT NULL,
        key varchar(255) NOT NULL,
        body_hash varchar(64) NOT NULL,
        status varchar(9) NOT NULL,
        message_id varchar(36) NOT NULL,
        created_at bigint NOT NULL,
        PRIMARY KEY (sub, key)
      )`,
    );
    await queryRunner.query(
      `INSERT INTO idempotency_keys_single SELECT sub, key, body_hash, status, message_id, created_at FROM idempotency_keys`,
    );
    await queryRunner.query(`DROP TABLE idempotency_keys`);
    await queryRunner.query(`ALTER TABLE idempotency_keys_single RENAME TO idempotency_keys`);
    await queryRunner.query(`CREATE INDEX idx_idempotency_keys_created ON idempotency_keys (created_at)`);
    await queryRunner.query(`DROP INDEX idx_messages_site_author_created`);
    await queryRunner.query(`DROP INDEX idx_messages_site_created`);
    await queryRunner.query(`CREATE INDEX idx_messages_author_created ON messages (author, created_at, id)`);
    await queryRunner.query(`CREATE INDEX idx_messages_created ON messages (created_at, id)`);
    await queryRunner.query(`ALTER TABLE messages DROP COLUMN site`);
  }
}
