import { jest } from '@jest/globals';
import { RefusedAddresses } from './refused-addresses.js';

describe('RefusedAddresses', () => {
  afterEach(() => jest.useRealTimers());

  it('refuses an address until its window ends, in whole seconds, and is empty before any', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const refused = new RefusedAddresses(60_000);
    expect(refused.empty).toBe(true);
    refused.refuse('203.0.113.7', 12_500);
    expect(refused.empty).toBe(false);
    expect(refused.wait('203.0.113.7')).toBe(13);
    expect(refused.wait('203.0.113.8')).toBe(0);
    jest.setSystemTime(1_000_000 + 12_499);
    expect(refused.wait('203.0.113.7')).toBe(1);
    jest.setSystemTime(1_000_000 + 12_500);
    expect(refused.wait('203.0.113.7')).toBe(0);
  });

  it('takes notices from other instances, never longer than a window, and ignores malformed ones', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const refused = new RefusedAddresses(60_000);
    refused.hear(RefusedAddresses.notice('2001:db8::1', 30_000));
    expect(refused.wait('2001:db8::1')).toBe(30);
    refused.hear(RefusedAddresses.notice('198.51.100.1', 3_600_000));
    expect(refused.wait('198.51.100.1')).toBe(60);
    for (const raw of [
      '',
      'null',
      '[]',
      '{"address":1,"ms":5}',
      '{"address":"x","ms":-1}',
      '{"address":"y"}',
    ])
      refused.hear(raw);
    expect(refused.wait('x')).toBe(0);
    expect(refused.wait('y')).toBe(0);
  });
});
