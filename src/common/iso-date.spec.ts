import { isoDate } from './iso-date.js';

describe('isoDate', () => {
  const builtIn = (ms: number) => new Date(ms).toISOString();

  it.each([
    ['the epoch', 0],
    ['a recent instant', 1_763_758_612_345],
    ['single-digit fields and milliseconds', Date.UTC(2026, 0, 2, 3, 4, 5, 6)],
    ['two-digit milliseconds', Date.UTC(2026, 10, 21, 23, 59, 59, 45)],
    ['the last millisecond of a leap day', Date.UTC(2028, 1, 29, 23, 59, 59, 999)],
    ['year 1000', Date.UTC(1000, 0, 1)],
    ['the last millisecond of year 9999', Date.UTC(9999, 11, 31, 23, 59, 59, 999)],
    ['year 10000', Date.UTC(10000, 0, 1)],
    ['year 999', Date.UTC(999, 11, 31, 23, 59, 59, 999)],
    ['before the epoch', -1],
    ['year 0', -62_167_219_200_000],
    ['a negative year', -62_198_755_200_001],
    ['the latest date', 8.64e15],
    ['the earliest date', -8.64e15],
  ])('writes %s exactly as toISOString does', (_name, ms) => {
    expect(isoDate(ms)).toBe(builtIn(ms));
  });

  it('agrees with toISOString on 50,000 instants across every representable year', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const disagreements: string[] = [];
    for (let i = 0; i < 50_000; i += 1) {
      // Half spread over all of time, half over the years messages are actually written in.
      const ms =
        i % 2 === 0 ? Math.round((random() * 2 - 1) * 8.64e15) : Math.round(1.5e12 + random() * 1e12);
      if (isoDate(ms) !== builtIn(ms)) disagreements.push(`${ms}: ${isoDate(ms)}`);
    }
    expect(disagreements).toEqual([]);
  });

  it('agrees on consecutive milliseconds across midnight, in both directions', () => {
    const midnight = Date.UTC(2026, 10, 22);
    const disagreements: string[] = [];
    for (const ms of [
      ...Array.from({ length: 3000 }, (_, i) => midnight - 1500 + i),
      ...Array.from({ length: 3000 }, (_, i) => midnight + 1500 - i),
      ...Array.from({ length: 3000 }, (_, i) => 1500 - i), // the epoch: negative times
    ]) {
      if (isoDate(ms) !== builtIn(ms)) disagreements.push(`${ms}: ${isoDate(ms)}`);
    }
    expect(disagreements).toEqual([]);
  });

  it('truncates a fractional time toward zero, as Date does', () => {
    for (const ms of [1.5, -1.5, 86_399_999.9, -86_400_000.5, 1_763_758_612_345.999]) {
      expect(isoDate(ms)).toBe(builtIn(ms));
    }
  });

  it('refuses an invalid date as toISOString does', () => {
    expect(() => isoDate(Number.NaN)).toThrow(RangeError);
    expect(() => isoDate(8.64e15 + 1)).toThrow(RangeError);
    expect(() => isoDate(-8.64e15 - 1)).toThrow(RangeError);
    expect(() => isoDate(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
