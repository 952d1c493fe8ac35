import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Same SQL on SQLite and PostgreSQL. Okta's event id is the key (a repeated delivery inserts
 * nothing); the indexes serve "stored since" (other instances catching up) and "older than 24 h"
 * (removal).
 */
export class CreateRevocationEvents1765152000000 implements MigrationInterface {
  name = 'CreateRevocationEvents1765152000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE revocation_events (
        event_id varchar(100) NOT NULL,
        uid varchar(100) NOT NULL,
        event_type varchar(100) NOT NULL,
        kind varchar(20) NOT NULL,
        published_at bigint NOT NULL,
        received_at bigint NOT NULL,
        PRIMARY KEY (event_id, uid)
      )`,
    );
    await queryRunner.query(`CREATE INDEX idx_revocation_events_received ON revocation_events (received_at)`);
    await queryRunner.query(
      `CREATE INDEX idx_revocation_events_published ON revocation_events (published_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE revocation_events`);
  }
}
