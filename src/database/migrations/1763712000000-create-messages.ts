import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Same SQL on SQLite and PostgreSQL. The indexes serve "owner, newest first" and "all, newest first". */
export class CreateMessages1763712000000 implements MigrationInterface {
  name = 'CreateMessages1763712000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE messages (
        id varchar(36) PRIMARY KEY NOT NULL,
        author text NOT NULL,
        text text NOT NULL,
        created_at bigint NOT NULL
      )`,
    );
    await queryRunner.query(`CREATE INDEX idx_messages_author_created ON messages (author, created_at, id)`);
    await queryRunner.query(`CREATE INDEX idx_messages_created ON messages (created_at, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE messages`);
  }
}
