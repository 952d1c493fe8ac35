/**
 * Why a request was refused, as a stable code: metrics labels, log fields and tests use it; the
 * human-readable description beside it may change.
 */
export enum RefusalReason {
  // No usable credentials (401, no error code) or a malformed request (400 invalid_request).
  MissingToken = 'missing_token',
  TokenInQuery = 'token_in_query',
  TokenInBody = 'token_in_body',
  MalformedHeader = 'malformed_header',
  // The token itself (401 invalid_token).
  MalformedToken = 'malformed_token',
  MalformedTimeClaim = 'malformed_time_claim',
  NotSigned = 'not_signed',
  UnsupportedAlgorithm = 'unsupported_algorithm',
  UnsupportedCriticalHeader = 'unsupported_critical_header',
  WrongTokenType = 'wrong_token_type',
  NoKeyId = 'no_key_id',
  UnknownSigningKey = 'unknown_signing_key',
  BadSignature = 'bad_signature',
  /** No site trusts the token's `iss` (no key is fetched for it). */
  UnknownIssuer = 'unknown_issuer',
  /** The token names the audiences of two sites on one authorization server. */
  AmbiguousSite = 'ambiguous_site',
  WrongAudience = 'wrong_audience',
  ClientNotAllowed = 'client_not_allowed',
  TokenExpired = 'token_expired',
  NotYetValid = 'not_yet_valid',
  IssuedInFuture = 'issued_in_future',
  NoExpiry = 'no_expiry',
  NoSubject = 'no_subject',
  MalformedSubject = 'malformed_subject',
  SenderConstrained = 'sender_constrained',
  WeakSigningKey = 'weak_signing_key',
  /** Ended before its `exp`: an Okta event hook (the user was deactivated, …) or introspection said so. */
  TokenRevoked = 'token_revoked',
  InvalidToken = 'invalid_token',
  // Authorization (403).
  InsufficientScope = 'insufficient_scope',
  InsufficientGroup = 'insufficient_group',
  // Step-up (401 insufficient_user_authentication, RFC 9470): the sign-in is not strong or recent enough.
  AcrMissing = 'acr_missing',
  AcrNotAccepted = 'acr_not_accepted',
  AuthTimeMissing = 'auth_time_missing',
  AuthTimeTooOld = 'auth_time_too_old',
  AuthTimeInFuture = 'auth_time_in_future',
}
