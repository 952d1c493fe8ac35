/** The validated, typed configuration. Built once at startup by `loadConfig`; nothing else reads `process.env`. */
/**
 * One site: the authorization server (and audiences) whose tokens belong to it, and who is admin
 * there. Without SITES_FILE there is one, `default`, made of the single-site variables.
 */
export interface SiteConfig {
  id: string;
  /** Undefined only before the development issuer has been started (never in production). */
  issuer: string | undefined;
  audiences: string[];
  clientIds: string[];
  groupsClaim: string;
  adminGroups: string[];
  corsOrigins: string[];
  /** What admin actions on this site need of the sign-in (ADMIN_ACR_VALUES/ADMIN_MAX_AGE, or the site's own). */
  adminStepUp: StepUpRequirement;
}

/** A site whose issuer is known: what the auth module runs with. */
export type ResolvedSite = SiteConfig & { issuer: string };

/**
 * Token settings. `issuer`, `audiences`, `clientIds` and `groupsClaim` are the first site's: what
 * the demo page and the API docs sign in to. Verification reads each token's own site (`sites`).
 */
export interface OktaConfig {
  issuer: string | undefined;
  audiences: string[];
  clientIds: string[];
  groupsClaim: string;
  clockToleranceSeconds: number;
  jwksRefreshSeconds: number;
  /** Client id of the Okta SPA app the demo page signs in with (`OKTA_SPA_CLIENT_ID`); public, not a secret. */
  spaClientId: string | undefined;
}

export type DatabaseConfig =
  | { type: 'sqlite'; path: string }
  | {
      type: 'postgres';
      url: string;
      poolSize: number;
      /** Opening a connection, or waiting for a free one in the pool, fails after this long. */
      connectTimeoutMs: number;
      /** PostgreSQL cancels a statement that runs longer than this. */
      statementTimeoutMs: number;
    };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LoggingConfig {
  level: LogLevel;
  /** `json`: one JSON object a line (production); `pretty`: human-readable (development). */
  format: 'json' | 'pretty';
}

export interface MetricsConfig {
  /** Undefined when METRICS_PORT=off; 0 picks a free port. */
  port: number | undefined;
  host: string;
}

export interface RateLimitConfig {
  windowSeconds: number;
  /** Requests per window per authenticated caller (`sub`); 0 disables. */
  perCaller: number;
  /** Refused authentication attempts per window per client address; 0 disables. */
  refusedPerAddress: number;
}

/** Request limits enforced by the HTTP server itself, before any hook, guard or handler. */
export interface HttpLimitsConfig {
  bodyLimitBytes: number;
  /** The request line and headers must arrive within this. */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
}

/**
 * `REDIS_URL` and its companions: the store every instance shares rate limits, replay memory and
 * notices through. The password is kept apart from `display`, which logs and the banner print.
 */
export interface RedisConfig {
  host: string;
  port: number;
  db: number;
  username: string | undefined;
  password: string | undefined;
  /** `rediss://`: TLS, the server's certificate checked against the system's CAs. */
  tls: boolean;
  /** `redis://host:port/db`, without credentials. */
  display: string;
  /** The longest a request waits on one Redis command before this instance's memory answers. */
  timeoutMs: number;
  /** Every key and channel starts with this, so deployments and test runs sharing a Redis never meet. */
  keyPrefix: string;
}

/** What a step-up route needs of the sign-in (RFC 9470); an empty list and no age mean nothing. */
export interface StepUpRequirement {
  /** The token's `acr` must be one of these (`ADMIN_ACR_VALUES`). */
  acrValues: string[];
  /** The token's `auth_time` must be at most this old (`ADMIN_MAX_AGE`). */
  maxAgeSeconds: number | undefined;
}

/** Whether routes ask the issuer's `/v1/introspect`: never, for routes that change data, or always. */
export type IntrospectionMode = 'off' | 'writes' | 'all';

/** Ending tokens before their `exp`: Okta's event hooks and token introspection. */
export interface RevocationConfig {
  /** The `Authorization` value Okta's event hooks send; undefined: `/hooks/okta` does not exist. */
  eventHookSecret: string | undefined;
  introspection: {
    mode: IntrospectionMode;
    /** The client (client_secret_basic) that may call `/v1/introspect`; set whenever mode is not off. */
    client: { id: string; secret: string } | undefined;
    /** How long one token's answer is reused; 0: every request asks. */
    cacheSeconds: number;
  };
}

/** The demo page's sign-in. */
export interface DemoPageConfig {
  /** The Okta SPA app requires DPoP: the page signs in with Okta Auth JS's `dpop` option (`OKTA_SPA_DPOP`). */
  spaDpop: boolean;
}

/** RFC 9449 DPoP: sender-constrained tokens and their proofs. */
export interface DpopConfig {
  /** The origin clients call (`PUBLIC_URL`); undefined: `http://` + the request's `Host`. */
  publicUrl: string | undefined;
  /** `DPOP_REQUIRED`: the Bearer scheme is refused. */
  required: boolean;
  /** `DPOP_NONCE`: proofs must carry a nonce this server made; `generated` when no secret was set. */
  nonce: { secret: string; generated: boolean } | undefined;
}

export interface AppConfig {
  production: boolean;
  host: string;
  port: number;
  okta: OktaConfig;
  /** Every site this deployment serves; ids are unique, and no issuer and audience belong to two. */
  sites: SiteConfig[];
  /** The first site's admin groups (the demo page's development sign-in offers them). */
  adminGroups: string[];
  /** Step-up for admin actions: reading every author's messages, reading or deleting another's. */
  adminStepUp: StepUpRequirement;
  /** Every site's origins. */
  corsOrigins: string[];
  database: DatabaseConfig;
  tokenCache: { maxEntries: number; maxTtlSeconds: number };
  devIssuerPort: number;
  logging: LoggingConfig;
  metrics: MetricsConfig;
  rateLimit: RateLimitConfig;
  http: HttpLimitsConfig;
  /** Shared state for several instances; undefined: each instance keeps its own. */
  redis: RedisConfig | undefined;
  /** Addresses and CIDR ranges of the proxies whose `X-Forwarded-For` is believed; empty: none. */
  trustProxy: string[];
  revocation: RevocationConfig;
  demoPage: DemoPageConfig;
  dpop: DpopConfig;
  /** Set by main.ts only when it started the built-in development issuer (never in production). */
  devIssuer?: {
    issuer: string;
    tokenEndpoint: string;
    /** The ids of the sites it serves (the first's are `issuer` and `tokenEndpoint`). */
    sites: string[];
  };
  /** The path of SITES_FILE when set (for the start banner). */
  sitesFile?: string;
}

/** An `AppConfig` whose issuer is known: what the auth module runs with. */
export type ResolvedConfig = Omit<AppConfig, 'okta' | 'sites'> & {
  okta: OktaConfig & { issuer: string };
  sites: ResolvedSite[];
};

export const APP_CONFIG = Symbol('APP_CONFIG');
