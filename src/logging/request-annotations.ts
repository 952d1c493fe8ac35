import type { IncomingMessage } from 'node:http';

/** Why authentication or authorization refused a request: the RFC 6750 code and a short reason. */
export interface Refusal {
  code: string;
  reason: string;
}

/**
 * What the request log line and the metrics need to know about a request that the request
 * itself does not say (the route and the caller it does), kept on the raw Node request: the
 * error filter writes it, the `onResponse` hook reads it. Never the token, a header or a body.
 */
export interface RequestAnnotations {
  refusal?: Refusal;
}

const ANNOTATIONS = Symbol('requestAnnotations');

type Annotated = IncomingMessage & { [ANNOTATIONS]?: RequestAnnotations };

export function annotations(raw: IncomingMessage): RequestAnnotations | undefined {
  return (raw as Annotated)[ANNOTATIONS];
}

export function annotate(raw: IncomingMessage, fields: RequestAnnotations): void {
  const target = raw as Annotated;
  target[ANNOTATIONS] = Object.assign(target[ANNOTATIONS] ?? {}, fields);
}

/** Short names for the invalid_request descriptions, which are sentences addressed to the caller. */
const REQUEST_REASONS: [RegExp, string][] = [
  [/query string/, 'token_in_query'],
  [/request body/, 'token_in_body'],
  [/malformed authorization header/i, 'malformed_header'],
];

/**
 * `token expired` → `token_expired`: a bounded, label-safe form of the fixed descriptions the auth
 * code produces (library text is mapped there, never echoed), so metrics labels stay few.
 */
export function reasonLabel(description: string): string {
  const known = REQUEST_REASONS.find(([pattern]) => pattern.test(description));
  if (known) return known[1];
  return description
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .slice(0, 64);
}
