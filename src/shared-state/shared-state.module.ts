import { Global, Module } from '@nestjs/common';
import { LocalNotices, Notices } from './notices.js';
import { LocalReplayMemory, ReplayMemory } from './replay-memory.js';

/** What instances must agree on: replay memory and notices. Without a shared store, this process's own. */
@Global()
@Module({
  providers: [
    { provide: ReplayMemory, useClass: LocalReplayMemory },
    { provide: Notices, useClass: LocalNotices },
  ],
  exports: [ReplayMemory, Notices],
})
export class SharedStateModule {}
