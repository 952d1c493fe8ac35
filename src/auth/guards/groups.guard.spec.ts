import { ForbiddenException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { loadConfig } from '../../config/load-config.js';
import { resolveSites } from '../../config/resolve-sites.js';
import { SitesService } from '../sites.service.js';
import { ADMIN_GROUPS, Groups } from '../decorators/groups.decorator.js';
import { GroupsGuard } from './groups.guard.js';
import { guardContext, principalWith } from '../../../test/fixtures/guard-context.js';

const caller = (groups: string[]) => principalWith({ groups });

function guardWith(adminGroups: string): GroupsGuard {
  const config = resolveSites(
    loadConfig({ ADMIN_GROUPS: adminGroups, OKTA_ISSUER: 'https://example.okta.com' }),
  );
  return new GroupsGuard(new Reflector(), new SitesService(config));
}

class Routes {
  @Groups(['Editors', 'Ops'])
  editorsOrOps(this: void) {}

  @Groups([ADMIN_GROUPS])
  admins(this: void) {}

  @Groups([ADMIN_GROUPS, 'Auditors'])
  adminsOrAuditors(this: void) {}

  unmarked(this: void) {}
}

@Groups([ADMIN_GROUPS])
class AdminOnly {
  list(this: void) {}
}

/** The ForbiddenException thrown by the guard, failing the test if it lets the caller through. */
function forbidden(guard: GroupsGuard, context: ExecutionContext): ForbiddenException {
  try {
    guard.canActivate(context);
  } catch (error) {
    expect(error).toBeInstanceOf(ForbiddenException);
    return error as ForbiddenException;
  }
  throw new Error('expected a ForbiddenException');
}

describe('GroupsGuard', () => {
  const guard = guardWith('Admins');
  const routes = Routes.prototype;

  it('lets a route without @Groups through, even without a caller', () => {
    expect(guard.canActivate(guardContext(routes.unmarked))).toBe(true);
  });

  it('is satisfied by any one of the listed groups', () => {
    expect(guard.canActivate(guardContext(routes.editorsOrOps, caller(['Everyone', 'Ops'])))).toBe(true);
    expect(guard.canActivate(guardContext(routes.editorsOrOps, caller(['Editors'])))).toBe(true);
  });

  it('refuses a caller in none of the groups with a 403 naming the groups', () => {
    const error = forbidden(guard, guardContext(routes.editorsOrOps, caller(['Everyone'])));
    expect(error.getStatus()).toBe(403);
    expect(error.message).toContain('Editors');
    expect(error.message).toContain('Ops');
  });

  it('matches group names exactly and case-sensitively', () => {
    forbidden(guard, guardContext(routes.editorsOrOps, caller(['ops', 'Editor', 'Ops '])));
  });

  it('refuses when there is no caller', () => {
    forbidden(guard, guardContext(routes.editorsOrOps));
  });

  it('resolves ADMIN_GROUPS to the configured admin groups', () => {
    expect(guard.canActivate(guardContext(routes.admins, caller(['Admins'])))).toBe(true);
    const error = forbidden(guard, guardContext(routes.admins, caller(['Ops'])));
    expect(error.message).toContain('Admins');
  });

  it('follows ADMIN_GROUPS when it names other groups', () => {
    const ops = guardWith('Ops, SiteAdmins');
    expect(ops.canActivate(guardContext(routes.admins, caller(['SiteAdmins'])))).toBe(true);
    const error = forbidden(ops, guardContext(routes.admins, caller(['Admins'])));
    expect(error.message).toContain('Ops, SiteAdmins');
    expect(error.message).not.toContain('Admins,');
  });

  it('combines ADMIN_GROUPS with literal groups', () => {
    expect(guard.canActivate(guardContext(routes.adminsOrAuditors, caller(['Auditors'])))).toBe(true);
    expect(guard.canActivate(guardContext(routes.adminsOrAuditors, caller(['Admins'])))).toBe(true);
    forbidden(guard, guardContext(routes.adminsOrAuditors, caller(['Ops'])));
  });

  it('refuses everyone when ADMIN_GROUPS is configured empty', () => {
    const none = guardWith('');
    const error = forbidden(none, guardContext(routes.admins, caller(['Admins'])));
    expect(error.message).toContain('none configured');
  });

  it('reads groups declared on the controller class', () => {
    forbidden(guard, guardContext(AdminOnly.prototype.list, caller(['Everyone']), AdminOnly));
    expect(guard.canActivate(guardContext(AdminOnly.prototype.list, caller(['Admins']), AdminOnly))).toBe(
      true,
    );
  });
});
