import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Principal } from '../auth/principal.js';

export type AuditAction = 'admin.messages.list' | 'admin.messages.delete';

export interface AuditEvent {
  action: AuditAction;
  /** The author whose messages were read or deleted; undefined for a list of every author. */
  author: string | undefined;
  messageId?: string;
}

/**
 * Audit events: one line each, marked `audit: true` and `context: "audit"` so they can be routed
 * apart from ordinary logs. The request id comes from the request's logger (`reqId`); message
 * text is never included.
 */
@Injectable()
export class AuditLogger {
  constructor(@InjectPinoLogger('audit') private readonly logger: PinoLogger) {}

  record(actor: Principal, event: AuditEvent): void {
    this.logger.info(
      {
        audit: true,
        action: event.action,
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
