import { jest } from '@jest/globals';
import { LocalReplayMemory } from './replay-memory.js';

describe('LocalReplayMemory', () => {
  afterEach(() => jest.useRealTimers());

  it('accepts a key once within its lifetime, and again after it', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const memory = new LocalReplayMemory();
    expect(await memory.firstUse('a', 60)).toBe(true);
    expect(await memory.firstUse('a', 60)).toBe(false);
    expect(await memory.firstUse('b', 60)).toBe(true);
    jest.setSystemTime(1_000_000 + 60_001);
    expect(await memory.firstUse('a', 60)).toBe(true);
  });
});
