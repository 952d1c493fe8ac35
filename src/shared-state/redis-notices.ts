import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Notices } from './notices.js';
import type { RedisLink } from './redis-link.js';

interface Envelope {
  /** The publishing instance: it has delivered the message to its own subscribers already. */
  from: string;
  message: string;
}

function envelope(raw: string): Envelope | undefined {
  try {
    const parsed = JSON.parse(raw) as Partial<Envelope>;
    if (typeof parsed.from === 'string' && typeof parsed.message === 'string') return parsed as Envelope;
  } catch {
    // Not one of ours: ignored below.
  }
  return undefined;
}

/**
 * Notices through Redis pub/sub: published on the command connection, heard on the dedicated
 * subscribed one. This instance's own subscribers hear a message once, at publish time, whether
 * Redis works or not: its echo from Redis is dropped. Other instances hear it when Redis works
 * (pub/sub keeps nothing for an instance that is disconnected at that moment).
 */
export class RedisNotices extends Notices {
  private readonly logger = new Logger('Notices');
  private readonly here = new EventEmitter();
  private readonly channels = new Set<string>();
  private readonly origin = randomUUID();

  constructor(private readonly link: RedisLink) {
    super();
    this.here.setMaxListeners(0);
    link.subscriber.on('message', (channel: string, raw: string) => this.receive(channel, raw));
    // Subscriptions do not survive a reconnection: made again each time the connection is ready.
    link.subscriber.on('ready', () => this.subscribeAll());
  }

  async publish(channel: string, message: string): Promise<void> {
    this.here.emit(channel, message);
    if (!this.link.commandsReady) {
      this.link.fellBack('notices');
      return;
    }
    try {
      await this.link.client.publish(this.wireName(channel), JSON.stringify({ from: this.origin, message }));
    } catch (error) {
      this.link.fellBack('notices', error);
    }
  }

  subscribe(channel: string, handler: (message: string) => void): void {
    this.here.on(channel, handler);
    if (this.channels.has(channel)) return;
    this.channels.add(channel);
    if (this.link.subscriber.status === 'ready') this.subscribeAll();
  }

  private subscribeAll(): void {
    if (this.channels.size === 0) return;
    const names = [...this.channels].map((channel) => this.wireName(channel));
    // A failure means the connection went away: its next `ready` subscribes again.
    this.link.subscriber.subscribe(...names).catch(() => undefined);
  }

  private wireName(channel: string): string {
    return this.link.key(`notices:${channel}`);
  }

  private receive(wireName: string, raw: string): void {
    const prefix = this.link.key('notices:');
    const parsed = envelope(raw);
    if (!wireName.startsWith(prefix) || !parsed || parsed.from === this.origin) return;
    try {
      this.here.emit(wireName.slice(prefix.length), parsed.message);
    } catch (error) {
      // A subscriber's bug must not break the connection every other notice arrives on.
      this.logger.error(`a subscriber failed on a notice: ${(error as Error).message}`);
    }
  }
}
