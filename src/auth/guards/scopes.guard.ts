import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InsufficientScopeError } from '../bearer-errors.js';
import { hasAll } from '../claims.js';
import { Scopes } from '../decorators/scopes.decorator.js';
import type { AuthenticatedRequest } from '../principal.js';
import { PerRoute } from '../route-metadata.js';

/** Runs after `JwtAuthGuard`: 403 insufficient_scope unless the token holds every required scope. */
@Injectable()
export class ScopesGuard implements CanActivate {
  /** The route's scopes; undefined when the route names none. */
  private readonly requiredScopes: PerRoute<string[] | undefined>;

  constructor(reflector: Reflector) {
    this.requiredScopes = new PerRoute((handler, controller) => {
      const required = reflector.getAllAndOverride(Scopes, [handler, controller]);
      return required?.length ? required : undefined;
    });
  }

  canActivate(context: ExecutionContext): boolean {
    const required = this.requiredScopes.get(context);
    if (required === undefined) return true;
    const { principal } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!principal || !hasAll(principal.scopes, required)) throw new InsufficientScopeError(required);
    return true;
  }
}
