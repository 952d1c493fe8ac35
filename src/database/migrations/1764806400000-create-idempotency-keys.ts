import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Same SQL on SQLite and PostgreSQL. The primary key is what lets only one twin claim a key. */
export class CreateIdempotencyKeys1764806400000 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1764806400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE idempotency_keys (
        sub text NOT NULL,
        key varchar(255) NOT NULL,
        body_hash varchar(64) NOT NULL,
        status varchar(9) NOT NULL,
        message_id varchar(36) NOT NULL,
        created_at bigint NOT NULL,
        PRIMARY KEY (sub, key)
      )`,
    );
    await queryRunner.query(`CREATE INDEX idx_idempotency_keys_created ON idempotency_keys (created_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE idempotency_keys`);
  }
}
