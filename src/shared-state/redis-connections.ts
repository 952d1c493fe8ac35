import type { RedisOptions } from 'ioredis';
import type { RedisConfig } from '../config/app-config.js';

/**
 * A connection that has answered nothing for this long is dead, even when TCP does not say so (a
 * silent network): ioredis drops it and reconnects. Longer than one command's timeout, so that a
 * stalled event loop or a GC pause alone does not cost a reconnection.
 */
export function silentAfterMs(config: RedisConfig): number {
  return Math.max(1000, 4 * config.timeoutMs);
}

function common(config: RedisConfig): RedisOptions {
  const silentMs = silentAfterMs(config);
  return {
    host: config.host,
    port: config.port,
    db: config.db,
    username: config.username,
    password: config.password,
    tls: config.tls ? {} : undefined,
    connectionName: 'okta-api',
    connectTimeout: silentMs,
    socketTimeout: silentMs,
    // Reconnect soon, and keep trying: recovery is noticed within about a second of Redis returning.
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
    // After a failover the old primary answers writes with READONLY: reconnecting finds the new one.
    reconnectOnError: (error: Error) => error.message.startsWith('READONLY'),
  };
}

/**
 * Commands on the request path (limits, replay memory, publishing): a command fails at once while
 * disconnected (no offline queue) and after `timeoutMs` on a silent connection, and one that failed
 * is never resent later (this instance's memory already answered in its place).
 */
export function commandOptions(config: RedisConfig): RedisOptions {
  return {
    ...common(config),
    enableOfflineQueue: false,
    commandTimeout: config.timeoutMs,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
  };
}

/** The subscribed connection: RedisNotices subscribes again on each `ready` itself. */
export function subscriberOptions(config: RedisConfig): RedisOptions {
  return {
    ...common(config),
    connectionName: 'okta-api-notices',
    enableOfflineQueue: false,
    commandTimeout: config.timeoutMs,
    maxRetriesPerRequest: 0,
    autoResubscribe: false,
  };
}
