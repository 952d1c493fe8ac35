import { Controller, Get, Query } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/decorators/current-principal.decorator.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ADMIN_GROUPS, Groups } from '../auth/decorators/groups.decorator.js';
import { Authenticated } from '../auth/decorators/authenticated.decorator.js';
import { Scope } from '../auth/decorators/scopes.decorator.js';
import { StepUp, StepUpResult } from '../auth/decorators/step-up.decorator.js';
import type { Principal } from '../auth/principal.js';
import type { StepUpOutcome } from '../auth/step-up.js';
import { ApiErrors } from '../docs/api-docs.decorators.js';
import { MessagePageModel } from '../docs/api-models.js';
import { AuditLogger } from '../logging/audit.logger.js';
import { Origin, type RequestOrigin } from '../logging/request-origin.decorator.js';
import { AdminListMessagesQuery, DEFAULT_PAGE_SIZE } from './dto/list-messages.query.js';
import type { MessagePage } from './message.js';
import { MessagesService } from './messages.service.js';

/** Every author's messages on the caller's site, for members of that site's admin groups. */
@ApiTags('admin')
@Controller('admin/messages')
@Authenticated(Scope.MessagesRead)
@Groups([ADMIN_GROUPS])
@StepUp('admin.messages.list')
export class AdminMessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly audit: AuditLogger,
  ) {}

  @Get()
  // Its 403 also names the missing group.
  @ApiErrors('403 group')
  @ApiOperation({
    summary: "Every author's messages, newest first; for members of ADMIN_GROUPS (audited)",
  })
  @ApiOkResponse({ type: MessagePageModel })
  list(
    @CurrentPrincipal() caller: Principal,
    @Query() query: AdminListMessagesQuery,
    @Origin() origin: RequestOrigin,
    @StepUpResult() stepUp: StepUpOutcome | undefined,
  ): Promise<MessagePage> {
    this.audit.record(caller, { action: 'admin.messages.list', author: query.author, stepUp }, origin);
    return this.messages.page({
      site: caller.site,
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
      author: query.author,
    });
  }
}
