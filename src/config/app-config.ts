/** The validated, typed configuration. Built once at startup by `loadConfig`; nothing else reads `process.env`. */
export interface OktaConfig {
  /** Undefined only before the development issuer has been started (never in production). */
  issuer: string | undefined;
  audiences: string[];
  clientIds: string[];
  groupsClaim: string;
  clockToleranceSeconds: number;
  jwksRefreshSeconds: number;
}

export type DatabaseConfig =
  { type: 'sqlite'; path: string } | { type: 'postgres'; url: string; poolSize: number };

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

export interface AppConfig {
  production: boolean;
  host: string;
  port: number;
  okta: OktaConfig;
  adminGroups: string[];
  corsOrigins: string[];
  database: DatabaseConfig;
  tokenCache: { maxEntries: number; maxTtlSeconds: number };
  devIssuerPort: number;
  logging: LoggingConfig;
  metrics: MetricsConfig;
  rateLimit: RateLimitConfig;
}

/** An `AppConfig` whose issuer is known: what the auth module runs with. */
export type ResolvedConfig = AppConfig & { okta: OktaConfig & { issuer: string } };

export const APP_CONFIG = Symbol('APP_CONFIG');
