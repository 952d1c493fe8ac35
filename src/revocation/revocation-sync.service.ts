import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { FailureLog } from '../auth/failure-log.js';
import { RevocationMetrics } from '../metrics/revocation.metrics.js';
import { Notices } from '../shared-state/notices.js';
import type { Revocation } from './okta-event-batch.js';
import { KINDS, type RevocationKind } from './revocation-rules.js';
import { RevocationStore } from './revocation-store.service.js';
import { REVOCATION_TTL_MS, RevokedUsers, type UserEvent } from './revoked-users.js';

export const REVOCATION_CHANNEL = 'revocations';
/** How often the table is asked for events other instances stored: the bound without notices. */
export const POLL_EVERY_MS = 2000;
/**
 * Each poll reads back this far before the previous one: a row stored by a transaction that
 * committed late, or stamped by an instance whose clock is a little behind, is still seen.
 */
const POLL_OVERLAP_MS = 60_000;
const CLEAN_EVERY_MS = 10 * 60 * 1000;

/** A notice is JSON `[[uid, kind, at], …]`; anything else is dropped. */
function readNotice(message: string): UserEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((entry: unknown) => {
    if (!Array.isArray(entry)) return [];
    const [uid, kind, at] = entry as unknown[];
    const valid =
      typeof uid === 'string' &&
      KINDS.includes(kind as RevocationKind) &&
      typeof at === 'number' &&
      Number.isFinite(at);
    return valid ? [{ uid, kind: kind as RevocationKind, at }] : [];
  });
}

/**
 * Keeps this instance's `RevokedUsers` in step with every other's. Events are stored first, then
 * published as a notice (pushed to every instance when the notices are shared), and every
 * instance also polls the table every 2 s: two instances on one database agree within seconds
 * even without a shared notice bus, and a notice lost on the way changes nothing for long.
 */
@Injectable()
export class RevocationSync implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Revocation');
  private readonly pollFailures = new FailureLog();
  private readonly timers: NodeJS.Timeout[] = [];
  private polledAt = 0;
  private polling: Promise<void> | undefined;

  constructor(
    private readonly store: RevocationStore,
    private readonly users: RevokedUsers,
    private readonly notices: Notices,
    private readonly metrics: RevocationMetrics,
  ) {}

  /** Before the server listens: revocations stored before a restart apply from the first request. */
  async onApplicationBootstrap(): Promise<void> {
    this.notices.subscribe(REVOCATION_CHANNEL, (message) => this.users.apply(readNotice(message)));
    this.metrics.watchRevokedUsers(() => this.users.size);
    const startedAt = Date.now();
    this.users.apply(await this.store.recent(startedAt), startedAt);
    this.polledAt = startedAt;
    this.timers.push(
      setInterval(() => void this.poll(), POLL_EVERY_MS).unref(),
      setInterval(() => void this.clean(), CLEAN_EVERY_MS).unref(),
    );
  }

  onModuleDestroy(): void {
    for (const timer of this.timers) clearInterval(timer);
  }

  /**
   * Stores the events of an event hook delivery and applies them here at once; resolves to those
   * not stored before. Events published more than 24 hours ago can no longer revoke anything.
   */
  async receive(revocations: Revocation[], now = Date.now()): Promise<Revocation[]> {
    const current = revocations.filter((event) => event.at > now - REVOCATION_TTL_MS);
    const stored = await this.store.save(current, now);
    this.users.apply(current, now);
    if (stored.length > 0) {
      const message = JSON.stringify(stored.map(({ uid, kind, at }) => [uid, kind, at]));
      // Stored already: a notice that does not go out is made up for by the other instances' poll.
      this.notices
        .publish(REVOCATION_CHANNEL, message)
        .catch((error: unknown) =>
          this.logger.warn(`could not publish revocations: ${(error as Error).message}`),
        );
    }
    return stored;
  }

  /** Reads the events stored since the last poll; one poll at a time. */
  poll(): Promise<void> {
    this.polling ??= this.readNew().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async readNew(): Promise<void> {
    const startedAt = Date.now();
    try {
      this.users.apply(await this.store.storedAfter(this.polledAt - POLL_OVERLAP_MS), startedAt);
      this.polledAt = startedAt;
      if (this.pollFailures.succeeded()) this.logger.log('revocation events are read again');
    } catch (error) {
      this.metrics.syncFailed();
      if (this.pollFailures.failed(startedAt)) {
        this.logger.warn(`cannot read revocation events: ${(error as Error).message}`);
      }
    }
  }

  private async clean(): Promise<void> {
    this.users.prune();
    try {
      await this.store.removeExpired();
    } catch (error) {
      this.logger.warn(`could not remove expired revocation events: ${(error as Error).message}`);
    }
  }
}
