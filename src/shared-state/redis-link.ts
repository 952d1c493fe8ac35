import { Logger } from '@nestjs/common';
import { Redis, ReplyError } from 'ioredis';
import type { RedisConfig } from '../config/app-config.js';
import { commandOptions, silentAfterMs, subscriberOptions } from './redis-connections.js';

/** What fell back to this instance's memory: the `use` label of `redis_fallbacks_total`. */
export type RedisUse = 'rate_limit' | 'replay' | 'notices';

export const REDIS_LINK = Symbol('REDIS_LINK');

/** Both connections are pinged this often, so that a silent network is noticed while no request is. */
const HEARTBEAT_MS = 1000;
/** Redis answering a command with an error (out of memory, say) is logged at most this often. */
const REPLY_ERROR_LOG_MS = 60_000;
const SHARED = 'rate limits, replay memory and notices';

/**
 * The two connections to Redis (commands, and a subscribed one for notices) and whether they work.
 * Redis is never required: what needs it asks `commandsReady` and falls back to this instance's
 * memory, counting each fallback. An outage is logged once when it starts and once when it ends.
 */
export class RedisLink {
  readonly client: Redis;
  readonly subscriber: Redis;
  readonly fallbacks: Record<RedisUse, number> = { rate_limit: 0, replay: 0, notices: 0 };
  private readonly logger = new Logger('Redis');
  private started = false;
  private stopped = false;
  private downSince: number | undefined;
  private lastError: string | undefined;
  private replyErrorLoggedAt = -Infinity;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(readonly config: RedisConfig) {
    this.client = new Redis(commandOptions(config));
    this.subscriber = new Redis(subscriberOptions(config));
    for (const connection of [this.client, this.subscriber]) {
      // Each failed reconnection emits an error: remembered for the outage's one log line, not logged.
      connection.on('error', (error: Error) => (this.lastError = error.message));
      connection.on('ready', () => this.update());
      connection.on('close', () => this.update());
    }
  }

  /** Commands can be sent now (limits, replay memory, publishing). */
  get commandsReady(): boolean {
    return this.client.status === 'ready';
  }

  /** Both connections work: every instance sees the same limits, replay memory and notices. */
  get up(): boolean {
    return this.commandsReady && this.subscriber.status === 'ready';
  }

  /** A key or channel name of this deployment. */
  key(name: string): string {
    return this.config.keyPrefix + name;
  }

  /** This instance's memory answered for `use`; `error` is why, when a command failed. */
  fellBack(use: RedisUse, error?: unknown): void {
    this.fallbacks[use] += 1;
    // Timeouts and closed connections are an outage, logged once as such; an error reply is not.
    if (!(error instanceof ReplyError)) return;
    const now = Date.now();
    if (now - this.replyErrorLoggedAt < REPLY_ERROR_LOG_MS) return;
    this.replyErrorLoggedAt = now;
    this.logger.warn(
      `Redis refused a command (${(error as Error).message}); this instance's memory answered`,
    );
  }

  /**
   * Waits for both connections, at most until the first failure or the connect timeout: an
   * unreachable Redis makes the instance degraded, not unable to start.
   */
  async start(): Promise<void> {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        for (const connection of [this.client, this.subscriber]) {
          connection.off('ready', onReady);
          connection.off('error', done);
        }
        resolve();
      };
      const onReady = () => {
        if (this.up) done();
      };
      const timer = setTimeout(done, silentAfterMs(this.config));
      for (const connection of [this.client, this.subscriber]) {
        connection.on('ready', onReady);
        connection.on('error', done);
      }
      onReady();
    });
    this.started = true;
    if (!this.up) {
      this.downSince = Date.now();
      this.logger.warn(
        `Redis ${this.config.display} unreachable at start-up (${this.reason()}): ${SHARED} are this instance's own until it answers`,
      );
    }
    this.heartbeat = setInterval(() => this.ping(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  close(): void {
    this.stopped = true;
    clearInterval(this.heartbeat);
    this.client.disconnect();
    this.subscriber.disconnect();
  }

  /** A command keeps ioredis's socket timeout running: a connection that stays silent is dropped. */
  private ping(): void {
    for (const connection of [this.client, this.subscriber]) {
      if (connection.status === 'ready') connection.ping().catch(() => undefined);
    }
  }

  private update(): void {
    if (!this.started || this.stopped) return;
    if (this.up && this.downSince !== undefined) {
      const seconds = ((Date.now() - this.downSince) / 1000).toFixed(1);
      this.downSince = undefined;
      this.lastError = undefined;
      this.logger.log(
        `Redis ${this.config.display} reachable again after ${seconds} s: ${SHARED} are shared again`,
      );
    } else if (!this.up && this.downSince === undefined) {
      this.downSince = Date.now();
      this.logger.warn(
        `Redis ${this.config.display} unreachable (${this.reason()}): ${SHARED} fall back to this instance's memory until it answers`,
      );
    }
  }

  private reason(): string {
    return this.lastError ?? 'no answer';
  }
}
