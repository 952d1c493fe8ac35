import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

const THROTTLER = 'refused';

/**
 * Refused authentication attempts per client address, in @nestjs/throttler's storage. The error
 * filter records each refusal; `RefusedAddressGuard` turns an address away before any token work
 * once it is over the limit, so a flood of bad tokens costs one map lookup per request.
 */
@Injectable()
export class RefusalLimiter {
  private readonly ttlMs: number;
  private readonly limit: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorageService,
  ) {
    this.ttlMs = config.rateLimit.windowSeconds * 1000;
    this.limit = config.rateLimit.refusedPerAddress;
  }

  get enabled(): boolean {
    return this.limit > 0;
  }

  record(address: string): void {
    if (!this.enabled) return;
    void this.storage.increment(key(address), this.ttlMs, this.limit, this.ttlMs, THROTTLER);
  }

  /** Seconds until the address may try again, or 0 when it is not blocked. */
  blockedFor(address: string, now = Date.now()): number {
    if (!this.enabled) return 0;
    const record = this.storage.storage.get(key(address));
    if (!record?.isBlocked || record.blockExpiresAt <= now) return 0;
    return Math.ceil((record.blockExpiresAt - now) / 1000);
  }
}

function key(address: string): string {
  return `${THROTTLER}:${address}`;
}
