import { CanActivate, ExecutionContext, Injectable, NotFoundException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { isLoopbackHostHeader } from '../dev-issuer/issuer-url.js';

/**
 * Development routes answer only requests addressed to a loopback name (DNS rebinding). Anything
 * else gets the 404 the route gives where it does not exist: a 403 would tell a foreign page that
 * a token route is there.
 */
@Injectable()
export class LoopbackHostGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (isLoopbackHostHeader(request.headers.host)) return true;
    throw new NotFoundException(`Cannot ${request.method} ${request.url.split('?')[0]}`);
  }
}
