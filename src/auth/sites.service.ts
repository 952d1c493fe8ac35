import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type ResolvedConfig, type ResolvedSite } from '../config/app-config.js';
import { siteForToken, unverifiedPayload } from './site-selection.js';

/** The sites this deployment serves, by id and by token. */
@Injectable()
export class SitesService {
  private readonly byIdMap: Map<string, ResolvedSite>;

  constructor(@Inject(APP_CONFIG) config: ResolvedConfig) {
    this.byIdMap = new Map(config.sites.map((site) => [site.id, site]));
  }

  get all(): ResolvedSite[] {
    return [...this.byIdMap.values()];
  }

  byId(id: string): ResolvedSite {
    const site = this.byIdMap.get(id);
    if (!site) throw new Error(`no site "${id}"`);
    return site;
  }

  /** The site of a token whose header `readHeader` has checked; a 401 when none trusts it. */
  forToken(token: string): ResolvedSite {
    return siteForToken(this.all, unverifiedPayload(token));
  }
}
