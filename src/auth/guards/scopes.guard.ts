import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InsufficientScopeError } from '../bearer-errors.js';
import { hasAll } from '../claims.js';
import { Scopes } from '../decorators/scopes.decorator.js';
import type { AuthenticatedRequest } from '../principal.js';

/** Runs after `JwtAuthGuard`: 403 insufficient_scope unless the token holds every required scope. */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride(Scopes, [context.getHandler(), context.getClass()]);
    if (!required?.length) return true;
    const { principal } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!principal || !hasAll(principal.scopes, required)) throw new InsufficientScopeError(required);
    return true;
  }
}
