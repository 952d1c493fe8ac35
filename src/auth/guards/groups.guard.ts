import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { hasAny } from '../claims.js';
import { ADMIN_GROUPS, Groups } from '../decorators/groups.decorator.js';
import type { AuthenticatedRequest } from '../principal.js';
import { PerRoute } from '../route-metadata.js';

/** 403 for a caller in none of the required groups (no `WWW-Authenticate`: not a token problem). */
export class MissingGroupError extends ForbiddenException {}

/** Runs after `ScopesGuard`: 403 unless the caller is in one of the required groups. */
@Injectable()
export class GroupsGuard implements CanActivate {
  /** The route's groups, `ADMIN_GROUPS` resolved; undefined when the route names none. */
  private readonly requiredGroups: PerRoute<string[] | undefined>;

  constructor(reflector: Reflector, @Inject(APP_CONFIG) config: AppConfig) {
    this.requiredGroups = new PerRoute((handler, controller) => {
      const required = reflector.getAllAndOverride(Groups, [handler, controller]);
      if (!required?.length) return undefined;
      return required.flatMap((group) => (group === ADMIN_GROUPS ? config.adminGroups : [group]));
    });
  }

  canActivate(context: ExecutionContext): boolean {
    const groups = this.requiredGroups.get(context);
    if (groups === undefined) return true;
    const { principal } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!principal || !hasAny(principal.groups, groups)) {
      const names = groups.length > 0 ? groups.join(', ') : '(none configured)';
      throw new MissingGroupError(`this request needs membership in one of these groups: ${names}`);
    }
    return true;
  }
}
