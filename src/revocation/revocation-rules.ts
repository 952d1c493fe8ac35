/**
 * Which Okta events end a user's tokens, and the rule that decides whether one token is revoked.
 * Pure: no clock, no storage. docs/security.md#revocation explains the choices.
 */

/** What an event does to a user, whatever the name Okta gives it. */
export type RevocationKind =
  | 'deactivate'
  | 'reactivate'
  | 'suspend'
  | 'unsuspend'
  | 'lock'
  | 'unlock'
  | 'delete'
  | 'sessions_cleared'
  | 'password_reset';

export const KINDS: readonly RevocationKind[] = [
  'deactivate',
  'reactivate',
  'suspend',
  'unsuspend',
  'lock',
  'unlock',
  'delete',
  'sessions_cleared',
  'password_reset',
];

/** The event types handled; every other type is acknowledged and ignored. */
export const EVENT_KINDS: Readonly<Record<string, RevocationKind>> = {
  'user.lifecycle.deactivate': 'deactivate',
  'user.lifecycle.reactivate': 'reactivate',
  'user.lifecycle.suspend': 'suspend',
  'user.lifecycle.unsuspend': 'unsuspend',
  'user.account.lock': 'lock',
  'user.account.unlock': 'unlock',
  'user.account.unlock_by_admin': 'unlock',
  'user.lifecycle.delete.initiated': 'delete',
  'user.session.clear': 'sessions_cleared',
  'user.account.reset_password': 'password_reset',
};

/**
 * A state the user enters and may leave. While in it (no leaving event later than the entering
 * one) every token of the user is refused; once out of it, only tokens issued after leaving pass.
 */
const STATES: readonly { enter: RevocationKind; leave?: RevocationKind }[] = [
  { enter: 'deactivate', leave: 'reactivate' },
  { enter: 'suspend', leave: 'unsuspend' },
  { enter: 'lock', leave: 'unlock' },
  // A deleted user never comes back.
  { enter: 'delete' },
];

/** A moment: tokens issued before it end, tokens issued after it pass (the user may sign in again). */
const CUTS: readonly RevocationKind[] = ['sessions_cleared', 'password_reset'];

/** The latest event time of each kind for one user, in milliseconds since the epoch. */
export type UserEvents = Partial<Record<RevocationKind, number>>;

/**
 * The kind of event that revokes a token issued at `iatSeconds` (null: no `iat`, issued before
 * anything), or undefined when none does. Only the latest time of each kind matters, so the answer
 * is the same whatever order, and however often, the events arrived.
 */
export function revokedBy(events: UserEvents, iatSeconds: number | null): RevocationKind | undefined {
  // `iat` has whole seconds and events milliseconds: a token of the event's own second counts as
  // issued before it (refused), never the other way round.
  const issued = iatSeconds === null ? -Infinity : iatSeconds * 1000;
  for (const { enter, leave } of STATES) {
    const entered = events[enter];
    if (entered === undefined) continue;
    const left = leave === undefined ? undefined : events[leave];
    // A tie counts as still in the state: an unknown order fails closed.
    if (left === undefined || left <= entered || issued < left) return enter;
  }
  for (const cut of CUTS) {
    const at = events[cut];
    if (at !== undefined && issued < at) return cut;
  }
  return undefined;
}
