import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { LessThan, Repository } from 'typeorm';
import { isUniqueViolation } from '../../database/database-errors.js';
import { IdempotencyConflictError, IdempotencyOutcome } from './idempotency.error.js';
import { IdempotencyKeyEntity } from './idempotency-key.entity.js';

/** The contract: a key is answered the same for 24 hours, then forgotten. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * A key still in flight after this was left by a writer that stopped (a crash, a lost database
 * connection): a twin may take it over. Far longer than any request may take.
 */
export const IN_FLIGHT_LEASE_MS = 30_000;
const CLEAN_EVERY_MS = 10 * 60 * 1000;
/** Claims race only with twins and with expiry; a few rounds settle it. */
const MAX_CLAIM_ROUNDS = 3;

/** Whose key it is: a caller (`sub`) on a site. */
export interface KeyOwner {
  site: string;
  sub: string;
}

/** What a claimed key asks for: write the message with this id, or answer the one written before. */
export type Claim = { kind: 'write'; messageId: string } | { kind: 'replay'; messageId: string };

/**
 * `Idempotency-Key`s in the database, so every instance agrees. A key is claimed by inserting its
 * row (in flight, with the id its message will have) before the message is written: of two twins,
 * only one inserts it. The message id being fixed at the claim means a takeover of an abandoned key
 * writes that same message, which the messages' primary key lets exist only once.
 */
@Injectable()
export class IdempotencyKeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('IdempotencyKeys');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectRepository(IdempotencyKeyEntity) private readonly keys: Repository<IdempotencyKeyEntity>,
  ) {}

  /** Throws `IdempotencyConflictError` for another body (422) or a twin still in flight (409). */
  async claim({ site, sub }: KeyOwner, key: string, bodyHash: string): Promise<Claim> {
    for (let round = 0; round < MAX_CLAIM_ROUNDS; round += 1) {
      const now = Date.now();
      const messageId = randomUUID();
      if (await this.insert({ site, sub, key, bodyHash, status: 'in_flight', messageId, createdAt: now })) {
        return { kind: 'write', messageId };
      }
      const row = await this.keys.findOneBy({ site, sub, key });
      if (!row) continue; // expired and cleaned meanwhile
      if (row.createdAt <= now - IDEMPOTENCY_KEY_TTL_MS) {
        // Only that row: a twin may already have replaced it with its own.
        await this.keys.delete({ site, sub, key, createdAt: row.createdAt });
        continue;
      }
      if (row.bodyHash !== bodyHash) throw new IdempotencyConflictError(IdempotencyOutcome.BodyMismatch);
      if (row.status === 'done') return { kind: 'replay', messageId: row.messageId };
      if (row.createdAt > now - IN_FLIGHT_LEASE_MS) {
        throw new IdempotencyConflictError(IdempotencyOutcome.InFlight);
      }
      const taken = await this.keys.update(
        { site, sub, key, status: 'in_flight', createdAt: row.createdAt },
        { createdAt: now },
      );
      if (taken.affected === 1) return { kind: 'write', messageId: row.messageId };
    }
    throw new IdempotencyConflictError(IdempotencyOutcome.InFlight);
  }

  /** The key's message is written: from now on the key is answered with it. */
  async complete({ site, sub }: KeyOwner, key: string, messageId: string): Promise<void> {
    await this.keys.update({ site, sub, key, messageId, status: 'in_flight' }, { status: 'done' });
  }

  /** Deletes keys older than 24 hours; how many. */
  async removeExpired(now = Date.now()): Promise<number> {
    const result = await this.keys.delete({ createdAt: LessThan(now - IDEMPOTENCY_KEY_TTL_MS) });
    return result.affected ?? 0;
  }

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.removeExpired().catch((error: unknown) =>
        this.logger.warn(`could not remove expired idempotency keys: ${(error as Error).message}`),
      );
    }, CLEAN_EVERY_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async insert(row: IdempotencyKeyEntity): Promise<boolean> {
    try {
      await this.keys.insert(row);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }
}
