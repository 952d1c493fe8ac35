import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import type { StepUpOutcome } from '../auth/step-up.js';
import { StepUpService } from '../auth/step-up.service.js';
import { AuditLogger, type AuditAction, type AuditEvent } from '../logging/audit.logger.js';
import type { RequestOrigin } from '../logging/request-origin.decorator.js';
import { decodeCursor, encodeCursor, isMessageId, type Cursor } from './cursor.js';
import { MessageEntity } from './message.entity.js';
import { toMessage, type Message, type MessagePage } from './message.js';

export interface PageRequest {
  /** The caller's site: a page never holds another site's messages. */
  site: string;
  limit: number;
  cursor?: string;
  /** Only this author's messages; undefined means every author (admins only). */
  author?: string;
}

const NOT_FOUND = 'message not found';

@Injectable()
export class MessagesService {
  constructor(
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    private readonly audit: AuditLogger,
    private readonly stepUp: StepUpService,
  ) {}

  async create(site: string, author: string, text: string, id: string = randomUUID()): Promise<Message> {
    const entity = this.messages.create({ id, site, author, text, createdAt: Date.now() });
    await this.messages.insert(entity);
    return toMessage(entity);
  }

  /** Newest first, keyset-paginated on (created_at, id), so equal timestamps never skip or repeat. */
  async page({ site, limit, cursor, author }: PageRequest): Promise<MessagePage> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && !after) {
      throw new BadRequestException('cursor must be a nextCursor value from a previous page');
    }
    const rows = await this.queryPage(site, limit + 1, author, after);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      messages: page.map(toMessage),
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }

  private queryPage(
    site: string,
    count: number,
    author: string | undefined,
    after: Cursor | undefined,
  ): Promise<MessageEntity[]> {
    const query = this.messages
      .createQueryBuilder('m')
      .where('m.site = :site', { site })
      .orderBy('m.created_at', 'DESC')
      .addOrderBy('m.id', 'DESC')
      .limit(count);
    if (author !== undefined) query.andWhere('m.author = :author', { author });
    if (after !== undefined) {
      query.andWhere('(m.created_at < :createdAt OR (m.created_at = :createdAt AND m.id < :id))', after);
    }
    return query.getMany();
  }

  /** A message of the site by id, for answering an `Idempotency-Key` again (its row names the caller). */
  async findById(site: string, id: string): Promise<Message | undefined> {
    const entity = await this.messages.findOneBy({ id, site });
    return entity ? toMessage(entity) : undefined;
  }

  /**
   * The message if it is on the caller's site and the caller wrote it or is that site's admin;
   * otherwise 404, so others' ids (and other sites') are not revealed.
   * An admin reading another author's message is audited (`origin` goes into the event).
   */
  async findVisible(id: string, caller: Principal, origin?: RequestOrigin): Promise<Message> {
    const entity = await this.findEntity(id, caller);
    const stepUp = this.adminAccess(entity, caller, 'admin.messages.read', origin);
    if (stepUp) this.audit.record(caller, this.auditEvent('admin.messages.read', entity, stepUp), origin);
    return toMessage(entity);
  }

  /** The same, and an admin deleting another author's message is audited. */
  async remove(id: string, caller: Principal, origin?: RequestOrigin): Promise<void> {
    const entity = await this.findEntity(id, caller);
    const stepUp = this.adminAccess(entity, caller, 'admin.messages.delete', origin);
    await this.messages.delete({ id: entity.id });
    if (stepUp) this.audit.record(caller, this.auditEvent('admin.messages.delete', entity, stepUp), origin);
  }

  /**
   * Undefined for the caller's own message, which never needs step-up. Another author's message
   * (only an admin gets this far) is an admin action: 401 unless the sign-in meets `ADMIN_ACR_VALUES`
   * and `ADMIN_MAX_AGE`, known only now that the message is.
   */
  private adminAccess(
    entity: MessageEntity,
    caller: Principal,
    action: AuditAction,
    origin: RequestOrigin | undefined,
  ): StepUpOutcome | undefined {
    if (entity.author === caller.sub) return undefined;
    const attempt = { action, author: entity.author, messageId: entity.id, origin };
    return this.stepUp.requireForAdmin(caller, attempt);
  }

  private auditEvent(action: AuditAction, entity: MessageEntity, stepUp: StepUpOutcome): AuditEvent {
    return { action, author: entity.author, messageId: entity.id, stepUp };
  }

  private async findEntity(rawId: string, caller: Principal): Promise<MessageEntity> {
    // Ids are written in lower case; a UUID in upper case (RFC 9562 reads either) is the same id.
    const id = rawId.toLowerCase();
    if (!isMessageId(id)) throw new NotFoundException(NOT_FOUND);
    const entity = await this.messages.findOneBy({ id, site: caller.site });
    if (!entity || (entity.author !== caller.sub && !caller.isAdmin)) throw new NotFoundException(NOT_FOUND);
    return entity;
  }
}
