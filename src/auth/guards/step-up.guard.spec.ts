import { Reflector } from '@nestjs/core';
import { guardContext, principalWith } from '../../../test/fixtures/guard-context.js';
import { loadConfig } from '../../config/load-config.js';
import { resolveSites } from '../../config/resolve-sites.js';
import { SitesService } from '../sites.service.js';
import type { AuditLogger } from '../../logging/audit.logger.js';
import { InsufficientUserAuthenticationError, MissingTokenError } from '../bearer-errors.js';
import { StepUp } from '../decorators/step-up.decorator.js';
import { StepUpService } from '../step-up.service.js';
import { StepUpGuard } from './step-up.guard.js';

class Routes {
  @StepUp('admin.messages.list')
  guarded(this: void) {}

  open(this: void) {}
}

@StepUp('admin.messages.list')
class GuardedController {
  list(this: void) {}
}

function guardWith(env: Record<string, string>): StepUpGuard {
  const audit = { record: () => undefined } as unknown as AuditLogger;
  const config = resolveSites(loadConfig({ OKTA_ISSUER: 'https://example.okta.com', ...env }));
  return new StepUpGuard(new Reflector(), new StepUpService(config, audit, new SitesService(config)));
}

describe('StepUpGuard', () => {
  const guard = guardWith({ ADMIN_ACR_VALUES: 'urn:okta:loa:2fa:any' });
  const routes = Routes.prototype;
  const weak = principalWith({ isAdmin: true });
  const strong = principalWith({ isAdmin: true, acr: 'urn:okta:loa:2fa:any' });

  it('lets a route without @StepUp through, whatever the sign-in', () => {
    expect(guard.canActivate(guardContext(routes.open, weak))).toBe(true);
  });

  it('challenges a weak sign-in on a @StepUp route or controller', () => {
    expect(() => guard.canActivate(guardContext(routes.guarded, weak))).toThrow(
      InsufficientUserAuthenticationError,
    );
    const controller = guardContext(GuardedController.prototype.list, weak, GuardedController);
    expect(() => guard.canActivate(controller)).toThrow(InsufficientUserAuthenticationError);
  });

  it('lets a strong sign-in through and leaves the outcome for the audit event', () => {
    const context = guardContext(routes.guarded, strong);
    expect(guard.canActivate(context)).toBe(true);
    expect(context.switchToHttp().getRequest()).toMatchObject({ stepUp: 'met' });
    const off = guardWith({});
    const unconfigured = guardContext(routes.guarded, weak);
    expect(off.canActivate(unconfigured)).toBe(true);
    expect(unconfigured.switchToHttp().getRequest()).toMatchObject({ stepUp: 'not_required' });
  });

  it('refuses a @StepUp route without a caller rather than letting it through', () => {
    expect(() => guard.canActivate(guardContext(routes.guarded))).toThrow(MissingTokenError);
  });
});
