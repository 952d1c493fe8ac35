import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Where a request came from, for audit events. */
export interface RequestOrigin {
  /** The caller's safe `X-Request-Id`, or a UUID. */
  requestId: string;
  /** The client's address: the TCP peer, or what a proxy in `TRUST_PROXY` forwarded. */
  clientAddress: string;
}

export const Origin = createParamDecorator((_data: unknown, context: ExecutionContext): RequestOrigin => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  return { requestId: request.id, clientAddress: request.ip };
});
