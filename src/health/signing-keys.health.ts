import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { SigningKeysService } from '../auth/signing-keys.service.js';

/** Up when the issuer's signing keys are loaded and were refreshed recently enough to trust. */
@Injectable()
export class SigningKeysHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly keys: SigningKeysService,
  ) {}

  check(key: 'keys') {
    const indicator = this.indicators.check(key);
    const status = this.keys.status();
    const data = {
      keyCount: status.keyCount,
      lastSuccessAt: status.lastSuccessAt === undefined ? null : new Date(status.lastSuccessAt).toISOString(),
    };
    if (!status.loaded) return indicator.down({ ...data, state: 'down', message: 'no signing keys loaded' });
    if (status.stale) return indicator.down({ ...data, state: 'stale', message: 'signing keys are stale' });
    return indicator.up(data);
  }
}
