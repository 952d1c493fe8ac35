import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import type { StepUpOutcome } from '../auth/step-up.js';
import type { RequestOrigin } from './request-origin.decorator.js';
import { ROOT_LOGGER } from './root-logger.js';

export type AuditAction =
  'admin.messages.list' | 'admin.messages.read' | 'admin.messages.delete' | 'admin.step_up.challenge';

/**
 * Revocation: an Okta event that ends a user's tokens was stored (`revocation.received`, no
 * caller: Okta sent it), or a request was refused because its token is revoked.
 */
export type RevocationAuditEvent =
  | {
      action: 'revocation.received';
      eventType: string;
      eventId: string;
      uid: string;
      published: string;
    }
  | {
      action: 'revocation.token_refused';
      /** What found it: a stored event (`event_hook`) or the issuer's introspection. */
      source: string;
      /** The event kind that revoked it (`deactivate`, …); undefined for introspection. */
      reason?: string;
    };

export interface AuditEvent {
  action: AuditAction;
  /** The author whose messages were read or deleted; undefined for a list of every author. */
  author: string | undefined;
  messageId?: string;
  /** For an admin action: whether a step-up requirement applied and was met. */
  stepUp?: StepUpOutcome;
  /** For a step-up challenge: the action refused, and why (a `RefusalReason`). */
  attempted?: AuditAction;
  reason?: string;
}

/**
 * Audit events: one line each, marked `audit: true` and `context: "audit"` so they can be routed
 * apart from ordinary logs. The caller passes the request id (`reqId`); message text is never
 * included.
 */
@Injectable()
export class AuditLogger {
  constructor(@Inject(ROOT_LOGGER) private readonly logger: Logger) {}

  record(actor: Principal, event: AuditEvent, origin: RequestOrigin | undefined): void {
    this.logger.info(
      {
        reqId: origin?.requestId,
        client: origin?.clientAddress,
        context: 'audit',
        audit: true,
        action: event.action,
        site: actor.site,
        actor: actor.sub,
        actorClient: actor.cid,
        author: event.author ?? null,
        messageId: event.messageId,
        stepUp: event.stepUp,
        attempted: event.attempted,
        reason: event.reason,
        // How and when the actor signed in: what a step-up requirement judges.
        actorAcr: actor.acr,
        actorAuthTime: actor.authTime,
        at: new Date().toISOString(),
      },
      'audit',
    );
  }

  /** `actor` is the caller whose token was refused; none for an event Okta sent. */
  recordRevocation(event: RevocationAuditEvent, origin: RequestOrigin | undefined, actor?: Principal): void {
    this.logger.info(
      {
        reqId: origin?.requestId,
        client: origin?.clientAddress,
        context: 'audit',
        audit: true,
        ...event,
        site: actor?.site,
        actor: actor?.sub ?? null,
        actorClient: actor?.cid,
        uid: actor?.uid ?? ('uid' in event ? event.uid : undefined),
        at: new Date().toISOString(),
      },
      'audit',
    );
  }
}
