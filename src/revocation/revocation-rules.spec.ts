import { revokedBy, type UserEvents } from './revocation-rules.js';

const T = 1_800_000_000_500; // an event time, in milliseconds (half-way through a second)
const s = (ms: number) => Math.floor(ms / 1000); // an iat, in seconds

describe('revokedBy', () => {
  it('revokes nothing for a user without events', () => {
    expect(revokedBy({}, s(T))).toBeUndefined();
  });

  it.each(['deactivate', 'suspend', 'lock', 'delete'] as const)(
    'refuses every token while the user is in the %s state, whenever it was issued',
    (kind) => {
      const events: UserEvents = { [kind]: T };
      for (const iat of [s(T) - 3600, s(T), s(T) + 3600, null]) expect(revokedBy(events, iat)).toBe(kind);
    },
  );

  it.each([
    ['deactivate', 'reactivate'],
    ['suspend', 'unsuspend'],
    ['lock', 'unlock'],
  ] as const)('after %s then %s, passes only tokens issued after the second', (enter, leave) => {
    const events: UserEvents = { [enter]: T, [leave]: T + 60_000 };
    expect(revokedBy(events, s(T) - 10)).toBe(enter); // before: revoked for good
    expect(revokedBy(events, s(T) + 30)).toBe(enter); // while in the state
    expect(revokedBy(events, s(T) + 60)).toBe(enter); // the leaving event's own second
    expect(revokedBy(events, s(T) + 61)).toBeUndefined();
    expect(revokedBy(events, null)).toBe(enter);
  });

  it('lets the later of an entering and a leaving event decide, whichever arrived last', () => {
    // Reactivated before a later deactivation: deactivated now.
    expect(revokedBy({ reactivate: T, deactivate: T + 1 }, s(T) + 3600)).toBe('deactivate');
    // A tie fails closed.
    expect(revokedBy({ reactivate: T, deactivate: T }, s(T) + 3600)).toBe('deactivate');
  });

  it('does not let a leaving event of another state end one', () => {
    expect(revokedBy({ suspend: T, reactivate: T + 60_000 }, s(T) + 3600)).toBe('suspend');
    expect(revokedBy({ lock: T, unsuspend: T + 60_000 }, s(T) + 3600)).toBe('lock');
  });

  it.each(['sessions_cleared', 'password_reset'] as const)(
    '%s ends tokens issued before it (its own second included) and no later one',
    (kind) => {
      expect(revokedBy({ [kind]: T + 500 }, s(T))).toBe(kind);
      expect(revokedBy({ [kind]: T }, s(T) - 1)).toBe(kind);
      expect(revokedBy({ [kind]: T }, s(T) + 1)).toBeUndefined();
      expect(revokedBy({ [kind]: T }, null)).toBe(kind);
    },
  );
});
