import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/decorators/current-principal.decorator.js';
import { Scopes } from '../auth/decorators/scopes.decorator.js';
import type { Principal } from '../auth/principal.js';
import { CreateMessageDto } from './dto/create-message.dto.js';
import { DEFAULT_PAGE_SIZE, ListMessagesQuery } from './dto/list-messages.query.js';
import type { Message, MessagePage } from './message.js';
import { MessagesService } from './messages.service.js';

export const READ = 'messages:read';
export const WRITE = 'messages:write';

/** The caller's own messages. */
@Controller('messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get()
  @Scopes([READ])
  list(@CurrentPrincipal() caller: Principal, @Query() query: ListMessagesQuery): Promise<MessagePage> {
    return this.messages.page({
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
      author: caller.sub,
    });
  }

  @Post()
  @Scopes([WRITE])
  async create(
    @CurrentPrincipal() caller: Principal,
    @Body() body: CreateMessageDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Message> {
    const message = await this.messages.create(caller.sub, body.text);
    void reply.header('Location', `/api/messages/${message.id}`);
    return message;
  }

  @Get(':id')
  @Scopes([READ])
  get(@CurrentPrincipal() caller: Principal, @Param('id') id: string): Promise<Message> {
    return this.messages.findVisible(id, caller);
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes([WRITE])
  remove(@CurrentPrincipal() caller: Principal, @Param('id') id: string): Promise<void> {
    return this.messages.remove(id, caller);
  }
}
