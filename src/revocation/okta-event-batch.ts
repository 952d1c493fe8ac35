import { EVENT_KINDS, type RevocationKind } from './revocation-rules.js';

/** One handled event for one user, as stored and as passed between instances. */
export interface Revocation {
  /** Okta's event `uuid`: a repeated delivery has the same one. */
  eventId: string;
  eventType: string;
  /** The Okta user id (`target[].id` of type User), the `uid` claim of that user's tokens. */
  uid: string;
  kind: RevocationKind;
  /** The event's `published` time, in milliseconds since the epoch. */
  at: number;
}

export interface EventBatch {
  revocations: Revocation[];
  /** Events of a type this API does not act on (acknowledged, not stored). */
  ignored: number;
}

/** A batch that is not Okta's event hook shape; its message names the first problem. */
export class MalformedBatchError extends Error {
  override readonly name = 'MalformedBatchError';
}

/** Okta ids are `00u` and 17 base62 characters; anything close, bounded, and safe to log. */
const OKTA_ID = /^[A-Za-z0-9_-]{1,100}$/;
const EVENT_ID = /^[A-Za-z0-9_.:-]{1,100}$/;
/** ISO 8601 with a zone, as Okta writes `published` (`2024-03-28T22:23:07.777Z`). */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads an event hook delivery (`{"data": {"events": [LogEvent, …]}}`). Events of the handled types
 * must name their `uuid`, `published` time and at least one `target` of type `User`; an event of
 * any other type only needs its `eventType`. Any problem refuses the whole batch: nothing of it is
 * stored. The cost is one pass over the events and their targets, whatever else a LogEvent holds.
 */
export function parseEventBatch(body: unknown): EventBatch {
  const events = isObject(body) && isObject(body.data) ? body.data.events : undefined;
  if (!Array.isArray(events)) throw new MalformedBatchError('expected {"data": {"events": [...]}}');
  const revocations: Revocation[] = [];
  let ignored = 0;
  events.forEach((event: unknown, index) => {
    const where = `data.events[${index}]`;
    if (!isObject(event) || typeof event.eventType !== 'string') {
      throw new MalformedBatchError(`${where} must be an object with an eventType`);
    }
    const kind = Object.hasOwn(EVENT_KINDS, event.eventType) ? EVENT_KINDS[event.eventType] : undefined;
    if (kind === undefined) {
      ignored += 1;
      return;
    }
    const { uuid, published, target } = event;
    if (typeof uuid !== 'string' || !EVENT_ID.test(uuid)) {
      throw new MalformedBatchError(`${where}.uuid must be the event's id`);
    }
    const at = typeof published === 'string' && TIMESTAMP.test(published) ? Date.parse(published) : NaN;
    if (!Number.isFinite(at)) {
      throw new MalformedBatchError(`${where}.published must be an ISO 8601 time`);
    }
    const users = Array.isArray(target)
      ? target.filter((entry): entry is Record<string, unknown> => isObject(entry) && entry.type === 'User')
      : [];
    if (users.length === 0) throw new MalformedBatchError(`${where}.target must name a User`);
    for (const user of users) {
      if (typeof user.id !== 'string' || !OKTA_ID.test(user.id)) {
        throw new MalformedBatchError(`${where}.target User id must be an Okta user id`);
      }
      revocations.push({ eventId: uuid, eventType: event.eventType, uid: user.id, kind, at });
    }
  });
  return { revocations, ignored };
}
