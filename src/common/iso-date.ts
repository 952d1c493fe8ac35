const DAY_MS = 86_400_000;
/** The largest time value a Date holds, either side of the epoch (ECMAScript's TimeClip). */
const MAX_TIME = 8.64e15;

/** Two digits, zero-padded. */
function pad2(value: number): string {
  return value < 10 ? `0${value}` : `${value}`;
}

/** `YYYY-MM-DDT` of the last day formatted: a page's messages are mostly from the same day. */
let lastDay = Number.NaN;
let lastDayPrefix = '';

/**
 * `new Date(ms).toISOString()`, the same string, for the message dates of every page. V8 formats
 * `toISOString` in C++ through a printf-style formatter, about 7,000 instructions a call: two
 * messages' dates were 5% of the instructions of the benchmark's GET. Here the date part comes
 * from `toISOString` itself, once per day (any year, `+YYYYYY` included), and the time of day is
 * plain arithmetic. An invalid or out-of-range time is left to `toISOString` (a RangeError).
 */
export function isoDate(ms: number): string {
  if (!(Math.abs(ms) <= MAX_TIME)) return new Date(ms).toISOString();
  const time = Math.trunc(ms) + 0; // as Date does; `+ 0` turns -0 into 0
  const day = Math.floor(time / DAY_MS);
  if (day !== lastDay) {
    const iso = new Date(day * DAY_MS).toISOString();
    lastDayPrefix = iso.slice(0, iso.indexOf('T') + 1);
    lastDay = day;
  }
  const ofDay = time - day * DAY_MS;
  const milliseconds = ofDay % 1000;
  const seconds = Math.floor(ofDay / 1000);
  const fraction =
    milliseconds < 10 ? `00${milliseconds}` : milliseconds < 100 ? `0${milliseconds}` : `${milliseconds}`;
  return `${lastDayPrefix}${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}.${fraction}Z`;
}
