/** What an `Idempotency-Key` led to, as a stable code for metrics, logs and tests. */
export enum IdempotencyOutcome {
  /** The original answer again; nothing written. */
  Replayed = 'replayed',
  /** The key was used with another body: 422. */
  BodyMismatch = 'body_mismatch',
  /** A request with the same key has not finished yet: 409. */
  InFlight = 'in_flight',
  /** The message the key wrote has since been deleted, so it cannot be answered again: 409. */
  MessageDeleted = 'message_deleted',
}

const MESSAGES = {
  [IdempotencyOutcome.BodyMismatch]: 'this Idempotency-Key was already used with a different body',
  [IdempotencyOutcome.InFlight]:
    'a request with this Idempotency-Key is still in progress; try again shortly',
  [IdempotencyOutcome.MessageDeleted]: 'the message written with this Idempotency-Key has since been deleted',
};

/** A reused `Idempotency-Key` that cannot be answered with the original `201`. */
export class IdempotencyConflictError extends Error {
  constructor(readonly outcome: Exclude<IdempotencyOutcome, IdempotencyOutcome.Replayed>) {
    super(MESSAGES[outcome]);
  }
}
