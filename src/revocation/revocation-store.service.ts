import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThanOrEqual, MoreThan, Repository } from 'typeorm';
import type { Revocation } from './okta-event-batch.js';
import { RevocationEventEntity } from './revocation-event.entity.js';
import { REVOCATION_TTL_MS, type UserEvent } from './revoked-users.js';

/** Rows per statement: well under SQLite's and PostgreSQL's limits on bound parameters. */
const CHUNK = 500;

function chunks<T>(items: T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += CHUNK) result.push(items.slice(start, start + CHUNK));
  return result;
}

const keyOf = (event: { eventId: string; uid: string }) => `${event.eventId}\n${event.uid}`;

/** Revocation events in the database: what makes them survive a restart and reach every instance. */
@Injectable()
export class RevocationStore {
  constructor(
    @InjectRepository(RevocationEventEntity) private readonly events: Repository<RevocationEventEntity>,
  ) {}

  /**
   * Stores events not stored before and resolves to those (a repeated delivery: none). Two
   * instances storing the same event at once both succeed; the primary key keeps one row.
   */
  async save(revocations: Revocation[], now = Date.now()): Promise<Revocation[]> {
    const unique = [...new Map(revocations.map((event) => [keyOf(event), event])).values()];
    const fresh: Revocation[] = [];
    for (const chunk of chunks(unique)) {
      const known = await this.events.find({
        select: { eventId: true, uid: true },
        where: { eventId: In([...new Set(chunk.map((event) => event.eventId))]) },
      });
      const seen = new Set(known.map(keyOf));
      const added = chunk.filter((event) => !seen.has(keyOf(event)));
      if (added.length === 0) continue;
      await this.events
        .createQueryBuilder()
        .insert()
        .values(added.map((event) => ({ ...event, receivedAt: now })))
        .orIgnore()
        .execute();
      fresh.push(...added);
    }
    return fresh;
  }

  /** Every event of the last 24 hours (at start-up). */
  recent(now = Date.now()): Promise<UserEvent[]> {
    return this.events.find({
      select: { uid: true, kind: true, at: true },
      where: { at: MoreThan(now - REVOCATION_TTL_MS) },
    });
  }

  /** Events stored after `receivedAfter`, by any instance. */
  storedAfter(receivedAfter: number): Promise<UserEvent[]> {
    return this.events.find({
      select: { uid: true, kind: true, at: true },
      where: { receivedAt: MoreThan(receivedAfter) },
    });
  }

  /** Deletes events published more than 24 hours ago; how many. */
  async removeExpired(now = Date.now()): Promise<number> {
    const result = await this.events.delete({ at: LessThanOrEqual(now - REVOCATION_TTL_MS) });
    return result.affected ?? 0;
  }
}
