import { LocalReplayMemory, ReplayMemory } from './replay-memory.js';
import type { RedisLink } from './redis-link.js';

/**
 * Every instance's memory, in Redis: `SET key 1 NX EX ttl` succeeds for the first use only, atomically.
 * This instance also remembers what it saw itself, so that when Redis is unreachable or slow its
 * own memory answers, and a key used here during an outage is still a replay here after it.
 */
export class RedisReplayMemory extends ReplayMemory {
  private readonly own = new LocalReplayMemory();

  constructor(private readonly link: RedisLink) {
    super();
  }

  async firstUse(key: string, ttlSeconds: number): Promise<boolean> {
    if (!(await this.own.firstUse(key, ttlSeconds))) return false;
    if (!this.link.commandsReady) {
      this.link.fellBack('replay');
      return true;
    }
    try {
      const ttl = Math.max(1, Math.ceil(ttlSeconds));
      return (await this.link.client.set(this.link.key(`replay:${key}`), '1', 'EX', ttl, 'NX')) === 'OK';
    } catch (error) {
      this.link.fellBack('replay', error);
      return true;
    }
  }
}
