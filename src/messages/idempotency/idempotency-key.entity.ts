import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Milliseconds since the epoch, as a number on every driver (pg returns bigint as a string). */
const epochMillis = { to: (value: number) => value, from: (value: string | number) => Number(value) };

export type IdempotencyKeyStatus = 'in_flight' | 'done';

/**
 * One `Idempotency-Key` of one caller on one site. The primary key (site, sub, key) is what makes
 * concurrent twins safe across instances: only one of them can insert the row.
 */
@Entity({ name: 'idempotency_keys' })
@Index('idx_idempotency_keys_created', ['createdAt'])
export class IdempotencyKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  site: string;

  @PrimaryColumn({ type: 'text' })
  sub: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key: string;

  /** Hex SHA-256 of the canonical body: a reused key with another body is refused. */
  @Column({ name: 'body_hash', type: 'varchar', length: 64 })
  bodyHash: string;

  @Column({ type: 'varchar', length: 9 })
  status: IdempotencyKeyStatus;

  /** The answer: chosen when the key is claimed, so a takeover writes the same message or none. */
  @Column({ name: 'message_id', type: 'varchar', length: 36 })
  messageId: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt: number;
}
