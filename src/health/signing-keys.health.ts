import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { SigningKeysService } from '../auth/signing-keys.service.js';
import { SitesService } from '../auth/sites.service.js';

export type SiteKeysState = 'up' | 'stale' | 'down';

export interface SiteKeys {
  state: SiteKeysState;
  keyCount: number;
  lastSuccessAt: string | null;
}

/**
 * Each site's signing keys: up when loaded and refreshed recently enough to trust. The check is up
 * while any site's are, so one site's issuer being down does not take every site out of service;
 * `sites` says which is.
 */
@Injectable()
export class SigningKeysHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly keys: SigningKeysService,
    private readonly sites: SitesService,
  ) {}

  /** Each site's key state, by site id. */
  sitesState(): Record<string, SiteKeys> {
    return Object.fromEntries(
      this.sites.all.map((site) => {
        const status = this.keys.forIssuer(site.issuer).status();
        const state: SiteKeysState = !status.loaded ? 'down' : status.stale ? 'stale' : 'up';
        const lastSuccessAt =
          status.lastSuccessAt === undefined ? null : new Date(status.lastSuccessAt).toISOString();
        return [site.id, { state, keyCount: status.keyCount, lastSuccessAt }];
      }),
    );
  }

  check(key: 'keys') {
    const indicator = this.indicators.check(key);
    const sites = this.sitesState();
    const states = Object.values(sites);
    const data = {
      keyCount: states.reduce((sum, site) => sum + site.keyCount, 0),
      lastSuccessAt:
        states
          .flatMap((site) => site.lastSuccessAt ?? [])
          .sort()
          .at(-1) ?? null,
      sites,
    };
    if (states.some((site) => site.state === 'up')) return indicator.up(data);
    if (states.some((site) => site.state === 'stale')) {
      return indicator.down({ ...data, state: 'stale', message: 'signing keys are stale' });
    }
    return indicator.down({ ...data, state: 'down', message: 'no signing keys loaded' });
  }
}
