import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { AuditLogger, type AuditAction } from '../logging/audit.logger.js';
import type { RequestOrigin } from '../logging/request-origin.decorator.js';
import { InsufficientUserAuthenticationError } from './bearer-errors.js';
import type { Principal } from './principal.js';
import { SitesService } from './sites.service.js';
import { stepUpProblem, stepUpRequired, type StepUpOutcome } from './step-up.js';

/** What a challenged caller was attempting, for the audit event. */
export interface StepUpAttempt {
  action: AuditAction;
  author?: string;
  messageId?: string;
  origin: RequestOrigin | undefined;
}

/**
 * Admin step-up (`ADMIN_ACR_VALUES`, `ADMIN_MAX_AGE`): called by `StepUpGuard` for routes marked
 * `@StepUp`, and by services for actions that are admin actions only once the data is known
 * (another author's message). A challenge is audited before it is thrown.
 */
@Injectable()
export class StepUpService {
  private readonly tolerance: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly audit: AuditLogger,
    private readonly sites: SitesService,
  ) {
    this.tolerance = config.okta.clockToleranceSeconds;
  }

  requireForAdmin(caller: Principal, attempt: StepUpAttempt, nowSeconds = Date.now() / 1000): StepUpOutcome {
    // Each site's own: an admin action is one on the caller's site.
    const requirement = this.sites.byId(caller.site).adminStepUp;
    if (!stepUpRequired(requirement)) return 'not_required';
    const problem = stepUpProblem(caller, requirement, nowSeconds, this.tolerance);
    if (!problem) return 'met';
    const { action, author, messageId, origin } = attempt;
    this.audit.record(
      caller,
      { action: 'admin.step_up.challenge', attempted: action, reason: problem.reason, author, messageId },
      origin,
    );
    throw new InsufficientUserAuthenticationError(problem.reason, problem.description, requirement);
  }
}
