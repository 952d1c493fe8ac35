import { readFileSync } from 'node:fs';
import type { SiteConfig, StepUpRequirement } from './app-config.js';
import { ConfigError, list, read, type Env } from './env.js';
import { checkClaimName, checkIssuer, checkOrigin } from './issuer-config.js';
import { adminStepUp, checkAcrValues, checkMaxAge } from './step-up-config.js';

/** The id of the one site the single-site variables make. */
export const DEFAULT_SITE_ID = 'default';

const SITE_ID = /^[a-z0-9-]{1,40}$/;
const SINGLE_SITE_VARIABLES = [
  'OKTA_ISSUER',
  'OKTA_AUDIENCE',
  'OKTA_CLIENT_IDS',
  'OKTA_GROUPS_CLAIM',
  'ADMIN_GROUPS',
];
const SITE_KEYS = new Set([
  'id',
  'issuer',
  'audiences',
  'clientIds',
  'adminGroups',
  'groupsClaim',
  'corsOrigins',
  'adminAcrValues',
  'adminMaxAge',
]);

export interface SitesSection {
  sites: SiteConfig[];
  /** Every origin a browser may call from: the union of the sites' (CORS_ORIGINS' without SITES_FILE). */
  corsOrigins: string[];
}

/** The sites this deployment serves: those of SITES_FILE, or one `default` site from the single-site variables. */
export function loadSites(env: Env, production: boolean): SitesSection {
  const file = read(env, 'SITES_FILE');
  if (file === undefined) return singleSite(env);
  const alsoSet = SINGLE_SITE_VARIABLES.filter((name) => read(env, name) !== undefined);
  if (alsoSet.length > 0) {
    throw new ConfigError(
      `SITES_FILE is set, so ${alsoSet.join(', ')} must not be (each site states its own in ${file})`,
    );
  }
  const sites = parseSitesFile(file, readSitesFile(file), production, adminStepUp(env));
  const extra = read(env, 'CORS_ORIGINS') === undefined ? [] : corsOriginsVariable(env);
  return { sites, corsOrigins: [...new Set([...sites.flatMap((site) => site.corsOrigins), ...extra])] };
}

function singleSite(env: Env): SitesSection {
  const raw = read(env, 'OKTA_ISSUER');
  const audiences = list(env, 'OKTA_AUDIENCE', ['api://default']);
  if (audiences.length === 0) throw new ConfigError('OKTA_AUDIENCE must list at least one audience');
  const corsOrigins = corsOriginsVariable(env);
  const site: SiteConfig = {
    id: DEFAULT_SITE_ID,
    issuer: raw === undefined ? undefined : checkIssuer('OKTA_ISSUER', raw),
    audiences,
    clientIds: list(env, 'OKTA_CLIENT_IDS', []),
    groupsClaim: checkClaimName('OKTA_GROUPS_CLAIM', read(env, 'OKTA_GROUPS_CLAIM') ?? 'groups'),
    adminGroups: list(env, 'ADMIN_GROUPS', ['Admins']),
    corsOrigins,
    adminStepUp: adminStepUp(env),
  };
  return { sites: [site], corsOrigins };
}

function corsOriginsVariable(env: Env): string[] {
  return list(env, 'CORS_ORIGINS', ['http://localhost:8080']).map((origin) =>
    checkOrigin('CORS_ORIGINS', origin),
  );
}

function readSitesFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ConfigError(`SITES_FILE cannot be read: ${file} (${code})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`SITES_FILE ${file} is not JSON: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Validates the file's sites; the first mistake is one line naming the site and its field. */
export function parseSitesFile(
  file: string,
  json: unknown,
  production: boolean,
  stepUp: StepUpRequirement,
): SiteConfig[] {
  if (!Array.isArray(json) || json.length === 0) {
    throw new ConfigError(`SITES_FILE ${file} must hold a JSON array of one or more sites`);
  }
  const sites = json.map((entry: unknown, index) =>
    parseSite(`SITES_FILE ${file}: site ${index + 1}`, entry, production, stepUp),
  );
  const ids = new Set<string>();
  for (const site of sites) {
    if (ids.has(site.id)) throw new ConfigError(`SITES_FILE ${file}: two sites have the id "${site.id}"`);
    ids.add(site.id);
  }
  for (const [i, a] of sites.entries()) {
    for (const b of sites.slice(i + 1)) {
      const shared =
        a.issuer !== undefined && a.issuer === b.issuer && a.audiences.find((x) => b.audiences.includes(x));
      if (shared) {
        throw new ConfigError(
          `SITES_FILE ${file}: sites "${a.id}" and "${b.id}" both trust issuer ${a.issuer} with audience "${shared}" (a token would belong to both)`,
        );
      }
    }
  }
  return sites;
}

/** A site without its own adminAcrValues or adminMaxAge takes ADMIN_ACR_VALUES' or ADMIN_MAX_AGE's. */
function parseSite(
  where: string,
  entry: unknown,
  production: boolean,
  stepUp: StepUpRequirement,
): SiteConfig {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new ConfigError(`${where} must be an object`);
  }
  const site = entry as Record<string, unknown>;
  const unknown = Object.keys(site).find((key) => !SITE_KEYS.has(key));
  if (unknown !== undefined) {
    throw new ConfigError(`${where} has an unknown field "${unknown}" (known: ${[...SITE_KEYS].join(', ')})`);
  }
  const { id } = site;
  if (typeof id !== 'string' || !SITE_ID.test(id)) {
    throw new ConfigError(`${where}: id must be 1 to 40 of a-z, 0-9 and -, got ${JSON.stringify(id)}`);
  }
  const named = `${where.replace(/site \d+$/, `site "${id}"`)}`;
  const strings = (field: string, { required, nonEmpty }: { required: boolean; nonEmpty?: boolean }) => {
    const value = site[field];
    if (value === undefined && !required) return [];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item.trim() !== '')) {
      throw new ConfigError(`${named}: ${field} must be an array of non-empty strings`);
    }
    if (nonEmpty && value.length === 0) throw new ConfigError(`${named}: ${field} must list at least one`);
    return [...new Set(value as string[])];
  };
  let issuer: string | undefined;
  if (site.issuer !== undefined) {
    if (typeof site.issuer !== 'string') throw new ConfigError(`${named}: issuer must be a string`);
    issuer = checkIssuer(`${named}: issuer`, site.issuer);
  } else if (production) {
    // Without an issuer a site runs on the built-in development issuer, which production never starts.
    throw new ConfigError(`${named}: issuer is required in production (NODE_ENV is not development or test)`);
  }
  const groupsClaim = site.groupsClaim ?? 'groups';
  if (typeof groupsClaim !== 'string') throw new ConfigError(`${named}: groupsClaim must be a claim name`);
  return {
    id,
    issuer,
    audiences: strings('audiences', { required: true, nonEmpty: true }),
    clientIds: strings('clientIds', { required: true }),
    adminGroups: strings('adminGroups', { required: true }),
    groupsClaim: checkClaimName(`${named}: groupsClaim`, groupsClaim),
    corsOrigins: strings('corsOrigins', { required: true }).map((origin) =>
      checkOrigin(`${named}: corsOrigins`, origin),
    ),
    adminStepUp: {
      acrValues:
        site.adminAcrValues === undefined
          ? stepUp.acrValues
          : checkAcrValues(`${named}: adminAcrValues`, strings('adminAcrValues', { required: true })),
      maxAgeSeconds:
        site.adminMaxAge === undefined
          ? stepUp.maxAgeSeconds
          : checkMaxAge(`${named}: adminMaxAge`, site.adminMaxAge),
    },
  };
}
