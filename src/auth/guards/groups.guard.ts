import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { hasAny } from '../claims.js';
import { ADMIN_GROUPS, Groups } from '../decorators/groups.decorator.js';
import type { AuthenticatedRequest } from '../principal.js';
import { SitesService } from '../sites.service.js';

/** 403 for a caller in none of the required groups (no `WWW-Authenticate`: not a token problem). */
export class MissingGroupError extends ForbiddenException {}

/** Runs after `ScopesGuard`: 403 unless the caller is in one of the required groups. */
@Injectable()
export class GroupsGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sites: SitesService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride(Groups, [context.getHandler(), context.getClass()]);
    if (!required?.length) return true;
    const { principal } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    // A site's admin groups make admins of that site only.
    const adminGroups = principal ? this.sites.byId(principal.site).adminGroups : [];
    const groups = required.flatMap((group) => (group === ADMIN_GROUPS ? adminGroups : [group]));
    if (!principal || !hasAny(principal.groups, groups)) {
      const names = groups.length > 0 ? groups.join(', ') : '(none configured)';
      throw new MissingGroupError(`this request needs membership in one of these groups: ${names}`);
    }
    return true;
  }
}
