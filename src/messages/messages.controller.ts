import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/decorators/current-principal.decorator.js';
import { Authenticated } from '../auth/decorators/authenticated.decorator.js';
import { Scope } from '../auth/decorators/scopes.decorator.js';
import type { Principal } from '../auth/principal.js';
import { ApiErrors } from '../docs/api-docs.decorators.js';
import { MessageModel, MessagePageModel } from '../docs/api-models.js';
import { ApiIdempotencyKey } from '../docs/idempotency-docs.js';
import { annotate } from '../logging/request-annotations.js';
import { Origin, type RequestOrigin } from '../logging/request-origin.decorator.js';
import { CreateMessageDto } from './dto/create-message.dto.js';
import { DEFAULT_PAGE_SIZE, ListMessagesQuery } from './dto/list-messages.query.js';
import { IdempotencyOutcome } from './idempotency/idempotency.error.js';
import { IdempotencyKey } from './idempotency/idempotency-key.pipe.js';
import { IdempotentCreateService } from './idempotency/idempotent-create.service.js';
import type { Message, MessagePage } from './message.js';
import { MessagesService } from './messages.service.js';

/** The caller's own messages. */
@ApiTags('messages')
@Controller('messages')
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly idempotent: IdempotentCreateService,
  ) {}

  @Get()
  @Authenticated(Scope.MessagesRead)
  @ApiOperation({ summary: "The caller's own messages, newest first" })
  @ApiOkResponse({ type: MessagePageModel })
  list(@CurrentPrincipal() caller: Principal, @Query() query: ListMessagesQuery): Promise<MessagePage> {
    return this.messages.page({
      site: caller.site,
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
      author: caller.sub,
    });
  }

  @Post()
  @Authenticated(Scope.MessagesWrite)
  @ApiOperation({ summary: 'Post a message (1 to 2000 characters after trimming)' })
  @ApiCreatedResponse({
    type: MessageModel,
    headers: {
      Location: { description: 'The new message', schema: { type: 'string' } },
      'Idempotent-Replayed': {
        description: '`true` when this answers an `Idempotency-Key` seen before: nothing was written',
        schema: { type: 'string', enum: ['true'] },
      },
    },
  })
  @ApiIdempotencyKey()
  async create(
    @CurrentPrincipal() caller: Principal,
    @Body() body: CreateMessageDto,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Message> {
    if (key === undefined) {
      const message = await this.messages.create(caller.site, caller.sub, body.text);
      void reply.header('Location', `/api/messages/${message.id}`);
      return message;
    }
    const { message, replayed } = await this.idempotent.create(caller.site, caller.sub, body.text, key);
    if (replayed) {
      void reply.header('Idempotent-Replayed', 'true');
      annotate(reply.request.raw, { idempotency: IdempotencyOutcome.Replayed });
    }
    void reply.header('Location', `/api/messages/${message.id}`);
    return message;
  }

  @Get(':id')
  @Authenticated(Scope.MessagesRead)
  @ApiOperation({ summary: 'One message, if the caller wrote it or is an admin' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: MessageModel })
  @ApiErrors(404)
  get(
    @CurrentPrincipal() caller: Principal,
    @Param('id') id: string,
    @Origin() origin: RequestOrigin,
  ): Promise<Message> {
    return this.messages.findVisible(id, caller, origin);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated(Scope.MessagesWrite)
  @ApiOperation({ summary: 'Delete a message, if the caller wrote it or is an admin' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(404)
  remove(
    @CurrentPrincipal() caller: Principal,
    @Param('id') id: string,
    @Origin() origin: RequestOrigin,
  ): Promise<void> {
    return this.messages.remove(id, caller, origin);
  }
}
