import { Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { LocalNotices, Notices } from './notices.js';
import { REDIS_LINK, RedisLink } from './redis-link.js';
import { RedisNotices } from './redis-notices.js';
import { RedisReplayMemory } from './redis-replay-memory.js';
import { LocalReplayMemory, ReplayMemory } from './replay-memory.js';

/**
 * What instances must agree on: replay memory and notices (and, through `REDIS_LINK`, the rate
 * limits). With REDIS_URL, shared through Redis; without it, this process's own. `REDIS_LINK` is
 * null without REDIS_URL.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS_LINK,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => (config.redis ? new RedisLink(config.redis) : null),
    },
    {
      provide: ReplayMemory,
      inject: [REDIS_LINK],
      useFactory: (link: RedisLink | null) => (link ? new RedisReplayMemory(link) : new LocalReplayMemory()),
    },
    {
      provide: Notices,
      inject: [REDIS_LINK],
      useFactory: (link: RedisLink | null) => (link ? new RedisNotices(link) : new LocalNotices()),
    },
  ],
  exports: [REDIS_LINK, ReplayMemory, Notices],
})
export class SharedStateModule implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(REDIS_LINK) private readonly link: RedisLink | null) {}

  async onModuleInit(): Promise<void> {
    await this.link?.start();
  }

  /** After the HTTP server has closed: no request is left to use the connections. */
  onApplicationShutdown(): void {
    this.link?.close();
  }
}
