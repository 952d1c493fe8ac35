import { FailureLog } from './failure-log.js';

describe('FailureLog', () => {
  it('logs the first failure, then at most one a minute while failures go on', () => {
    const log = new FailureLog(60_000);
    const logged = [0, 1000, 30_000, 59_999, 60_000, 61_000, 119_999, 120_000].filter((at) => log.failed(at));
    expect(logged).toEqual([0, 60_000, 120_000]);
  });

  it('reports the end of a streak once, and only after failures', () => {
    const log = new FailureLog(60_000);
    expect(log.succeeded()).toBe(false);
    log.failed(0);
    log.failed(1000);
    expect(log.succeeded()).toBe(true);
    expect(log.succeeded()).toBe(false);
  });

  it('keeps the once-a-minute bound for an issuer that keeps failing and recovering', () => {
    const log = new FailureLog(60_000);
    expect(log.failed(0)).toBe(true);
    log.succeeded();
    expect(log.failed(5000)).toBe(false);
    expect(log.failed(60_000)).toBe(true);
  });
});
