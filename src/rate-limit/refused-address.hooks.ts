import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { errorBody } from '../common/error-body.js';
import { annotate, annotations } from '../logging/request-annotations.js';
import { RateLimiters } from './rate-limiters.js';
import { TooManyRequestsError } from './too-many-requests.error.js';

/** Health checks cost nothing to answer and must keep answering the load balancer. */
const HEALTH = /^\/health\//;

/**
 * The per-address refusal limit, in Fastify's hooks rather than a guard: an address over its limit
 * gets 429 in `preParsing` (after CORS, so a browser can read it), before its body is read or any
 * token work is done; a request refused for its credentials (400 or 401) counts as it is answered.
 */
@Injectable()
export class RefusedAddressHooks implements OnModuleInit {
  private readonly logger = new Logger('RateLimiters');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly limiters: RateLimiters,
  ) {}

  onModuleInit(): void {
    if (!this.limiters.limitsRefusals) return;
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('preParsing', async (request, reply) => {
      if (!this.limiters.mayRefuseAddresses || HEALTH.test(request.url)) return;
      const wait = this.limiters.refusedAddressWait(request.ip);
      if (wait === 0) return;
      const refused = new TooManyRequestsError('refused', wait);
      annotate(request.raw, {
        refusal: { code: 'rate_limited', reason: 'refused' },
        message: refused.message,
      });
      return reply.code(429).header('retry-after', String(wait)).send(errorBody(429, refused.message));
    });
    // Counted before the answer leaves, so that the client's next request, on this instance or
    // another, finds it counted (one Redis round trip, bounded by REDIS_TIMEOUT_MS, on refusals only).
    // Callback style: every other answer goes on at once, without a promise per response.
    fastify.addHook('onSend', (request, reply, payload, done) => {
      const refusal = annotations(request.raw)?.refusal;
      const credentials = reply.statusCode === 400 || reply.statusCode === 401;
      if (!refusal || refusal.code === 'rate_limited' || !credentials) return done(null, payload);
      this.limiters
        .recordRefusal(request.ip)
        .catch((error: unknown) =>
          this.logger.error(`a refusal was not counted: ${(error as Error).message}`),
        )
        .finally(() => done(null, payload));
    });
  }
}
