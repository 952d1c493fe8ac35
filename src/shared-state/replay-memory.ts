import { Injectable } from '@nestjs/common';

/**
 * Remembers keys for a while: `firstUse` resolves to true only the first time a key is seen within
 * its lifetime (a DPoP proof's `jti`, say). Shared by every instance when they share a store.
 */
export abstract class ReplayMemory {
  abstract firstUse(key: string, ttlSeconds: number): Promise<boolean>;
}

/** Sweep expired keys once this many have been added since the last sweep. */
const SWEEP_EVERY = 10_000;

/** This process's own memory: enough for one instance. */
@Injectable()
export class LocalReplayMemory extends ReplayMemory {
  private readonly expiries = new Map<string, number>();
  private addedSinceSweep = 0;

  firstUse(key: string, ttlSeconds: number): Promise<boolean> {
    const now = Date.now();
    const expiry = this.expiries.get(key);
    if (expiry !== undefined && expiry > now) return Promise.resolve(false);
    this.expiries.set(key, now + ttlSeconds * 1000);
    if (++this.addedSinceSweep >= SWEEP_EVERY) this.sweep(now);
    return Promise.resolve(true);
  }

  private sweep(now: number): void {
    this.addedSinceSweep = 0;
    for (const [key, expiry] of this.expiries) if (expiry <= now) this.expiries.delete(key);
  }
}
