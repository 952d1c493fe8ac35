import type { HttpLimitsConfig, LoggingConfig, LogLevel, MetricsConfig } from './app-config.js';
import { ConfigError, integer, read, type Env } from './env.js';
import { listenHost, takesApiPort } from './hosts.js';

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function logging(env: Env, production: boolean): LoggingConfig {
  const level = read(env, 'LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  }
  const format = read(env, 'LOG_FORMAT') ?? (production ? 'json' : 'pretty');
  if (format !== 'json' && format !== 'pretty') {
    throw new ConfigError(`LOG_FORMAT must be json or pretty, got "${format}"`);
  }
  // pino-pretty is a development dependency: a production install does not have it.
  if (production && format === 'pretty') {
    throw new ConfigError('LOG_FORMAT=pretty is for development; production logs are json');
  }
  return { level: level as LogLevel, format };
}

export function metrics(env: Env, api: { host: string; port: number }): MetricsConfig {
  const metricsHost = listenHost(env, 'METRICS_HOST', api.host);
  if (read(env, 'METRICS_PORT')?.toLowerCase() === 'off') return { port: undefined, host: metricsHost };
  const port = integer(env, 'METRICS_PORT', 9464, 0, 65535);
  // The metrics server binds first: on the API's own port it would leave the API unable to listen.
  if (takesApiPort(port, metricsHost, api)) {
    throw new ConfigError(
      `METRICS_PORT must not be the API port (PORT=${api.port}) on the same address, got "${port}" (METRICS_HOST=${metricsHost}, HOST=${api.host})`,
    );
  }
  return { port, host: metricsHost };
}

export function httpLimits(env: Env): HttpLimitsConfig {
  const requestTimeoutMs = integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 1000, 600_000);
  const headersTimeoutMs = integer(env, 'HEADERS_TIMEOUT_MS', 10_000, 1000, 600_000);
  // Node refuses a headers timeout longer than the whole request's.
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(
      `HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS (${requestTimeoutMs}), got "${headersTimeoutMs}"`,
    );
  }
  return {
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 16_384, 1024, 10_485_760),
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: integer(env, 'KEEP_ALIVE_TIMEOUT_MS', 5000, 100, 600_000),
  };
}
