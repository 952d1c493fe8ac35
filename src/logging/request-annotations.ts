import type { IncomingMessage } from 'node:http';

/** Why a caller was turned away: the RFC 6750 code (or `rate_limited`, …) and a stable reason code. */
export interface Refusal {
  code: string;
  reason: string;
}

/**
 * What the request-completion hook needs to know about an answer that the request itself does not
 * say (the route and the caller it does), kept on the raw Node request: the error filter writes
 * it. Never the token, a header or a body.
 */
export interface RequestAnnotations {
  refusal?: Refusal;
  /** The error message sent (it names the bad fields of a 400). */
  message?: string;
  /** What an `Idempotency-Key` led to (`replayed`, `body_mismatch`, …); unset for a first write. */
  idempotency?: string;
}

const ANNOTATIONS = Symbol('requestAnnotations');

type Annotated = IncomingMessage & { [ANNOTATIONS]?: RequestAnnotations };

export function annotations(raw: IncomingMessage): RequestAnnotations | undefined {
  return (raw as Annotated)[ANNOTATIONS];
}

export function annotate(raw: IncomingMessage, fields: RequestAnnotations): void {
  const target = raw as Annotated;
  target[ANNOTATIONS] = { ...target[ANNOTATIONS], ...fields };
}
