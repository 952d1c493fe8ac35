import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { isUniqueViolation } from '../../database/database-errors.js';
import type { Message } from '../message.js';
import { MessagesService } from '../messages.service.js';
import { IdempotencyConflictError, IdempotencyOutcome } from './idempotency.error.js';
import { IdempotencyKeysService } from './idempotency-keys.service.js';

/** The validated body, as JSON: the same message sent as JSON or as a form, trimmed or not, hashes alike. */
export function bodyHash(text: string): string {
  return createHash('sha256').update(JSON.stringify({ text })).digest('hex');
}

/** `POST /api/messages` with an `Idempotency-Key`: the message is written once, whatever the retries. */
@Injectable()
export class IdempotentCreateService {
  constructor(
    private readonly keys: IdempotencyKeysService,
    private readonly messages: MessagesService,
  ) {}

  /** A key is the caller's on one site: the same person's key on another site is another key. */
  async create(
    site: string,
    author: string,
    text: string,
    key: string,
  ): Promise<{ message: Message; replayed: boolean }> {
    const owner = { site, sub: author };
    const claim = await this.keys.claim(owner, key, bodyHash(text));
    if (claim.kind === 'write') {
      const written = await this.writeOnce(claim.messageId, site, author, text);
      await this.keys.complete(owner, key, claim.messageId);
      if (written) return { message: written, replayed: false };
    }
    const message = await this.messages.findById(site, claim.messageId);
    if (!message) throw new IdempotencyConflictError(IdempotencyOutcome.MessageDeleted);
    return { message, replayed: true };
  }

  /** Undefined when the message exists already: a writer that took too long wrote it after all. */
  private async writeOnce(
    id: string,
    site: string,
    author: string,
    text: string,
  ): Promise<Message | undefined> {
    try {
      return await this.messages.create(site, author, text, id);
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }
}
