import { Injectable } from '@nestjs/common';
import { revokedBy, type RevocationKind, type UserEvents } from './revocation-rules.js';

/** Okta's longest access-token lifetime: a token issued before an event this old has expired. */
export const REVOCATION_TTL_MS = 24 * 60 * 60 * 1000;

export interface UserEvent {
  uid: string;
  kind: RevocationKind;
  at: number;
}

/**
 * This instance's view of the revocation events of the last 24 hours: per user, the latest time of
 * each kind. The per-request check is one map lookup; a user with no events costs nothing more.
 * Applying an event is idempotent and order-free (the latest time wins), so the same event may
 * arrive from the event hook, a notice and the database poll, in any order.
 */
@Injectable()
export class RevokedUsers {
  private readonly users = new Map<string, UserEvents>();

  apply(events: Iterable<UserEvent>, now = Date.now()): void {
    for (const { uid, kind, at } of events) {
      if (at <= now - REVOCATION_TTL_MS) continue;
      const known = this.users.get(uid);
      if (known === undefined) this.users.set(uid, { [kind]: at });
      else if ((known[kind] ?? -Infinity) < at) known[kind] = at;
    }
  }

  /** What revokes a token of `uid` issued at `iat` (seconds), or undefined. */
  revokedBy(uid: string, iat: number | null): RevocationKind | undefined {
    const events = this.users.get(uid);
    return events === undefined ? undefined : revokedBy(events, iat);
  }

  /** Forgets events older than 24 hours, and users left with none. */
  prune(now = Date.now()): void {
    const cutoff = now - REVOCATION_TTL_MS;
    for (const [uid, events] of this.users) {
      for (const [kind, at] of Object.entries(events) as [RevocationKind, number][]) {
        if (at <= cutoff) delete events[kind];
      }
      if (Object.keys(events).length === 0) this.users.delete(uid);
    }
  }

  /** Users with at least one event in memory. */
  get size(): number {
    return this.users.size;
  }
}
