import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { APP_CONFIG, type ResolvedConfig } from '../config/app-config.js';
import { IssuerKeys } from './issuer-keys.js';

export { MIN_RSA_BITS, UNKNOWN_KID_COOLDOWN_MS, type KeysStatus } from './issuer-keys.js';

/**
 * The signing keys of every issuer a site trusts, one `IssuerKeys` each (two sites on one
 * authorization server share it). Keys are only ever fetched from these issuers: a token's own
 * `iss` picks one of them, never a URL of its own.
 */
@Injectable()
export class SigningKeysService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly issuers = new Map<string, IssuerKeys>();

  constructor(@Inject(APP_CONFIG) config: ResolvedConfig) {
    for (const site of config.sites) {
      const ids = config.sites
        .filter((other) => other.issuer === site.issuer)
        .map((other) => `"${other.id}"`);
      const label =
        config.sitesFile === undefined
          ? config.devIssuer
            ? 'the development issuer'
            : 'OKTA_ISSUER'
          : `${ids.length > 1 ? 'sites' : 'site'} ${ids.join(', ')}: issuer`;
      if (!this.issuers.has(site.issuer)) {
        this.issuers.set(site.issuer, new IssuerKeys(site.issuer, label, config.okta.jwksRefreshSeconds));
      }
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all([...this.issuers.values()].map((keys) => keys.start()));
  }

  onModuleDestroy(): void {
    for (const keys of this.issuers.values()) keys.stop();
  }

  /** The key set of a configured issuer. */
  forIssuer(issuer: string): IssuerKeys {
    const keys = this.issuers.get(issuer);
    if (!keys) throw new Error(`no site trusts the issuer ${issuer}`);
    return keys;
  }

  all(): IssuerKeys[] {
    return [...this.issuers.values()];
  }

  keyFor(issuer: string, kid: string): Promise<KeyObject> {
    return this.forIssuer(issuer).keyFor(kid);
  }

  has(issuer: string, kid: string): boolean {
    return this.issuers.get(issuer)?.has(kid) ?? false;
  }

  /** Fetches every issuer's key set again; whether all succeeded. */
  async refresh(): Promise<boolean> {
    const results = await Promise.all(this.all().map((keys) => keys.refresh()));
    return results.every(Boolean);
  }
}
