import type { DemoPageConfig } from './app-config.js';
import { ConfigError, read, type Env } from './env.js';

/**
 * `OKTA_SPA_DPOP`: the Okta SPA app the demo page signs in with requires DPoP ("Require
 * Demonstrating Proof of Possession (DPoP) header in token requests"), so the page must use it.
 */
export function demoPage(env: Env): DemoPageConfig {
  const raw = read(env, 'OKTA_SPA_DPOP');
  if (raw === undefined || raw === 'false') return { spaDpop: false };
  if (raw === 'true') return { spaDpop: true };
  throw new ConfigError(`OKTA_SPA_DPOP must be true or false, got "${raw}"`);
}
