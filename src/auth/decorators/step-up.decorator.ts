import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuditAction } from '../../logging/audit.logger.js';
import type { AuthenticatedRequest } from '../principal.js';
import type { StepUpOutcome } from '../step-up.js';

/**
 * The route is an admin action that needs the step-up sign-in of `ADMIN_ACR_VALUES` and
 * `ADMIN_MAX_AGE` (RFC 9470), checked by `StepUpGuard`; the audit action names it in a challenge.
 */
export const StepUp = Reflector.createDecorator<AuditAction>();

/** What `StepUpGuard` found for this request, for the route's audit event. */
export const StepUpResult = createParamDecorator(
  (_data: unknown, context: ExecutionContext): StepUpOutcome | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().stepUp,
);
