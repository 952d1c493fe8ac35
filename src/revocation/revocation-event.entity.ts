import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { RevocationKind } from './revocation-rules.js';

/** Milliseconds since the epoch, as a number on every driver (pg returns bigint as a string). */
const epochMillis = { to: (value: number) => value, from: (value: string | number) => Number(value) };

/**
 * One handled Okta event for one user. The primary key is Okta's event id: a repeated delivery
 * inserts nothing. Rows are read back by `received_at` (what other instances have not seen yet)
 * and removed once published 24 hours ago.
 */
@Entity({ name: 'revocation_events' })
@Index('idx_revocation_events_received', ['receivedAt'])
@Index('idx_revocation_events_published', ['at'])
export class RevocationEventEntity {
  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 100 })
  eventId: string;

  @PrimaryColumn({ type: 'varchar', length: 100 })
  uid: string;

  @Column({ name: 'event_type', type: 'varchar', length: 100 })
  eventType: string;

  @Column({ type: 'varchar', length: 20 })
  kind: RevocationKind;

  /** The event's `published` time. */
  @Column({ name: 'published_at', type: 'bigint', transformer: epochMillis })
  at: number;

  /** When an instance stored it, by that instance's clock. */
  @Column({ name: 'received_at', type: 'bigint', transformer: epochMillis })
  receivedAt: number;
}
