import { Controller, Get, Query } from '@nestjs/common';
import { ADMIN_GROUPS, Groups } from '../auth/decorators/groups.decorator.js';
import { Scopes } from '../auth/decorators/scopes.decorator.js';
import { AdminListMessagesQuery, DEFAULT_PAGE_SIZE } from './dto/list-messages.query.js';
import type { MessagePage } from './message.js';
import { READ } from './messages.controller.js';
import { MessagesService } from './messages.service.js';

/** Every author's messages, for members of `ADMIN_GROUPS`. */
@Controller('admin/messages')
@Scopes([READ])
@Groups([ADMIN_GROUPS])
export class AdminMessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get()
  list(@Query() query: AdminListMessagesQuery): Promise<MessagePage> {
    return this.messages.page({
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
      author: query.author,
    });
  }
}
