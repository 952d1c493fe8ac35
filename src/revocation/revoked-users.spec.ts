import { REVOCATION_TTL_MS, RevokedUsers } from './revoked-users.js';

const NOW = 1_800_000_000_000;
const iat = (ms: number) => Math.floor(ms / 1000);

describe('RevokedUsers', () => {
  it('keeps the latest time of each kind, whatever order the events come in', () => {
    const users = new RevokedUsers();
    users.apply([{ uid: 'u', kind: 'reactivate', at: NOW - 1000 }], NOW);
    users.apply([{ uid: 'u', kind: 'deactivate', at: NOW - 5000 }], NOW);
    users.apply([{ uid: 'u', kind: 'deactivate', at: NOW - 9000 }], NOW); // older: changes nothing
    expect(users.revokedBy('u', iat(NOW - 10_000))).toBe('deactivate');
    expect(users.revokedBy('u', iat(NOW))).toBeUndefined();
    expect(users.revokedBy('someone else', null)).toBeUndefined();
  });

  it('ignores events older than 24 hours and forgets them once they are', () => {
    const users = new RevokedUsers();
    users.apply([{ uid: 'old', kind: 'suspend', at: NOW - REVOCATION_TTL_MS }], NOW);
    expect(users.revokedBy('old', null)).toBeUndefined();
    users.apply([{ uid: 'u', kind: 'suspend', at: NOW - 1000 }], NOW);
    users.prune(NOW + REVOCATION_TTL_MS - 2000);
    expect(users.revokedBy('u', null)).toBe('suspend');
    users.prune(NOW + REVOCATION_TTL_MS);
    expect(users.revokedBy('u', null)).toBeUndefined();
    expect(users.size).toBe(0);
  });
});
