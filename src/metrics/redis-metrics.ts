import { Counter, Gauge, type Registry } from 'prom-client';
import type { RedisLink } from '../shared-state/redis-link.js';

/** With REDIS_URL: whether Redis answers, and how often this instance's memory answered instead. */
export function registerRedisMetrics(registers: Registry[], link: RedisLink): void {
  new Gauge({
    name: 'redis_up',
    help: "Whether both Redis connections are ready (1), or not (0: limits, replay memory and notices are this instance's own)",
    registers,
    collect() {
      this.set(link.up ? 1 : 0);
    },
  });
  new Counter({
    name: 'redis_fallbacks_total',
    help: 'Operations this instance answered from its own memory because Redis did not (unreachable, timed out or refused), by use',
    labelNames: ['use'],
    registers,
    collect() {
      this.reset();
      for (const [use, count] of Object.entries(link.fallbacks)) this.inc({ use }, count);
    },
  });
}
