import {
  BadRequestException,
  Controller,
  Get,
  Headers,
  HttpCode,
  Post,
  Req,
  UseGuards,
} from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/decorators/public.decorator.js';
import { AuditLogger } from '../logging/audit.logger.js';
import { Origin, type RequestOrigin } from '../logging/request-origin.decorator.js';
import { RevocationMetrics } from '../metrics/revocation.metrics.js';
import { EventHookSecretGuard } from './event-hook-secret.guard.js';
import { MalformedBatchError, parseEventBatch } from './okta-event-batch.js';
import { RevocationSync } from './revocation-sync.service.js';
import { REVOCATION_TTL_MS } from './revoked-users.js';

/**
 * Okta batches events (a LogEvent is one to a few kilobytes), so a delivery may be far larger than
 * the 16 KiB an API body may be; this route alone takes up to 1 MiB (see configureApp).
 */
export const EVENT_BATCH_LIMIT_BYTES = 1024 * 1024;
/** Okta's challenge is a short random string; anything longer is not one. */
const CHALLENGE = /^[\x21-\x7e]{1,1024}$/;

/**
 * Okta event hooks (`/hooks/okta`, outside `/api`): the one-time verification (GET) and event
 * deliveries (POST). Registered only with OKTA_EVENT_HOOK_SECRET (RevocationModule); not a route
 * of the API's callers, so neither in the API docs nor behind the token guard: the secret is its
 * authentication.
 */
@ApiExcludeController()
@Controller('hooks/okta')
@Public()
@UseGuards(EventHookSecretGuard)
export class OktaEventHookController {
  constructor(
    private readonly sync: RevocationSync,
    private readonly metrics: RevocationMetrics,
    private readonly audit: AuditLogger,
  ) {}

  @Get()
  verify(@Headers('x-okta-verification-challenge') challenge: unknown): { verification: string } {
    if (typeof challenge !== 'string' || !CHALLENGE.test(challenge)) {
      throw new BadRequestException('the X-Okta-Verification-Challenge header is missing or malformed');
    }
    return { verification: challenge };
  }

  /**
   * Answered 200, with no body, once every handled event is stored; Okta does not retry a 4xx, so
   * only a batch that is not Okta's shape is one. The body is read here rather than through the
   * validation pipe: a batch has far more fields than any body of the API.
   */
  @Post()
  @HttpCode(200)
  @RouteConfig({ bodyLimit: EVENT_BATCH_LIMIT_BYTES })
  async receive(@Req() request: FastifyRequest, @Origin() origin: RequestOrigin): Promise<void> {
    let batch;
    try {
      batch = parseEventBatch(request.body);
    } catch (error) {
      if (error instanceof MalformedBatchError)
        throw new BadRequestException(`malformed event batch: ${error.message}`);
      throw error;
    }
    const now = Date.now();
    const stored = new Set(await this.sync.receive(batch.revocations, now));
    if (batch.ignored > 0) this.metrics.eventReceived('other', 'ignored', batch.ignored);
    for (const event of batch.revocations) {
      const outcome = stored.has(event)
        ? 'stored'
        : event.at > now - REVOCATION_TTL_MS
          ? 'duplicate'
          : 'expired';
      this.metrics.eventReceived(event.eventType, outcome);
      if (outcome !== 'stored') continue;
      const { eventType, eventId, uid, at } = event;
      const published = new Date(at).toISOString();
      this.audit.recordRevocation(
        { action: 'revocation.received', eventType, eventId, uid, published },
        origin,
      );
    }
  }
}
