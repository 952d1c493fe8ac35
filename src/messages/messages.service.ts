import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { AuditLogger } from '../logging/audit.logger.js';
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
  ) {}

  async create(site: string, author: string, text: string): Promise<Message> {
    const entity = this.messages.create({ id: randomUUID(), site, author, text, createdAt: Date.now() });
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

  /**
   * The message if it is on the caller's site and the caller wrote it or is that site's admin;
   * otherwise 404, so others' ids (and other sites') are not revealed.
   */
  async findVisible(id: string, caller: Principal): Promise<Message> {
    return toMessage(await this.findEntity(id, caller));
  }

  /** `requestId` goes into the audit event written when an admin deletes another author's message. */
  async remove(id: string, caller: Principal, requestId?: string): Promise<void> {
    const entity = await this.findEntity(id, caller);
    await this.messages.delete({ id: entity.id });
    if (entity.author !== caller.sub) {
      this.audit.record(
        caller,
        {
          action: 'admin.messages.delete',
          author: entity.author,
          messageId: entity.id,
        },
        requestId,
      );
    }
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
