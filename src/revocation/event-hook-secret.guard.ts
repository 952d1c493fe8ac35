import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  Logger,
  UnauthorizedException,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { hash as digest, timingSafeEqual } from 'node:crypto';
import { FailureLog } from '../auth/failure-log.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/app-config.js';

const sha256 = (value: string) => digest('sha256', value, 'buffer');

/**
 * Okta's event hooks authenticate with a shared secret sent as the whole `Authorization` value.
 * Compared as SHA-256 digests with `timingSafeEqual`: equal lengths whatever was sent, so the
 * time taken says nothing about the secret or its length. A wrong or missing one is 401.
 */
@Injectable()
export class EventHookSecretGuard implements CanActivate {
  private readonly logger = new Logger('OktaEventHook');
  private readonly refusals = new FailureLog();
  private readonly expected: Buffer;

  constructor(@Inject(APP_CONFIG) config: ResolvedConfig) {
    this.expected = sha256(config.revocation.eventHookSecret ?? '');
  }

  canActivate(context: ExecutionContext): boolean {
    const { authorization } = context.switchToHttp().getRequest<FastifyRequest>().headers;
    if (typeof authorization === 'string' && timingSafeEqual(sha256(authorization), this.expected)) {
      return true;
    }
    if (this.refusals.failed(Date.now())) {
      this.logger.warn(
        'an event hook call without the right Authorization was refused: it must be OKTA_EVENT_HOOK_SECRET, as set on the event hook in Okta',
      );
    }
    throw new UnauthorizedException('the Authorization header must be the event hook secret');
  }
}
