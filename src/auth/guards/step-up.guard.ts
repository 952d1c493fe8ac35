import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { MissingTokenError } from '../bearer-errors.js';
import { StepUp } from '../decorators/step-up.decorator.js';
import type { AuthenticatedRequest } from '../principal.js';
import { StepUpService } from '../step-up.service.js';

/**
 * Runs after `GroupsGuard`: only a caller who may take the action is asked to sign in again
 * (a second factor would not make anyone else an admin). 401 `insufficient_user_authentication`
 * unless the sign-in meets the admin step-up requirement.
 */
@Injectable()
export class StepUpGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly stepUp: StepUpService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const action = this.reflector.getAllAndOverride(StepUp, [context.getHandler(), context.getClass()]);
    if (action === undefined) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest>();
    // @StepUp on a @Public() route is a mistake: refuse rather than let the action through.
    if (!request.principal) throw new MissingTokenError();
    const origin = { requestId: request.id, clientAddress: request.ip };
    request.stepUp = this.stepUp.requireForAdmin(request.principal, { action, origin });
    return true;
  }
}
