import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from '../principal.js';
import { DpopNonces } from './dpop-nonces.js';

/**
 * With DPOP_NONCE, every answer to a request the token guard looked at carries the current
 * `DPoP-Nonce` (RFC 9449 9: a server may send a new one in any response), success included, so a
 * client stays current and seldom meets `use_dpop_nonce`. One HMAC per minute, a header per answer.
 */
@Injectable()
export class DpopNonceHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly nonces: DpopNonces,
  ) {}

  onModuleInit(): void {
    if (!this.nonces.enabled) return;
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Synchronous: the write-batching onSend hook still holds the payload until the end of the turn.
    fastify.addHook('onSend', (request, reply, payload, done) => {
      const { authScheme } = request as FastifyRequest & AuthenticatedRequest;
      // A use_dpop_nonce answer already carries the nonce its error was made with.
      if (authScheme !== undefined && !reply.hasHeader('dpop-nonce'))
        void reply.header('DPoP-Nonce', this.nonces.current());
      done(null, payload);
    });
  }
}
