import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import { ROOT_LOGGER } from './root-logger.js';

export type AuditAction = 'admin.messages.list' | 'admin.messages.delete';

export interface AuditEvent {
  action: AuditAction;
  /** The author whose messages were read or deleted; undefined for a list of every author. */
  author: string | undefined;
  messageId?: string;
}

/**
 * Audit events: one line each, marked `audit: true` and `context: "audit"` so they can be routed
 * apart from ordinary logs. The caller passes the request id (`reqId`); message text is never
 * included.
 */
@Injectable()
export class AuditLogger {
  constructor(@Inject(ROOT_LOGGER) private readonly logger: Logger) {}

  record(actor: Principal, event: AuditEvent, requestId: string | undefined): void {
    this.logger.info(
      {
        reqId: requestId,
        context: 'audit',
        audit: true,
        action: event.action,
        site: actor.site,
        actor: actor.sub,
        actorClient: actor.cid,
        author: event.author ?? null,
        messageId: event.messageId,
        at: new Date().toISOString(),
      },
      'audit',
    );
  }
}
