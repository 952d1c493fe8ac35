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
  /** A token with `cnf` under the Bearer scheme (RFC 9449 7.2: no downgrade). */
  SenderConstrained = 'sender_constrained',
  /** A token without `cnf.jkt` under the DPoP scheme. */
  NotDpopBound = 'not_dpop_bound',
  WeakSigningKey = 'weak_signing_key',
  /** Ended before its `exp`: an Okta event hook (the user was deactivated, …) or introspection said so. */
  TokenRevoked = 'token_revoked',
  InvalidToken = 'invalid_token',
  // Bearer under DPOP_REQUIRED (401, no error code: an unsupported scheme).
  DpopRequired = 'dpop_required',
  // The DPoP proof (401 invalid_dpop_proof, RFC 9449 7.1), one code per rule.
  DpopProofMissing = 'dpop_proof_missing',
  DpopProofRepeated = 'dpop_proof_repeated',
  DpopProofMalformed = 'dpop_proof_malformed',
  DpopWrongType = 'dpop_wrong_type',
  DpopUnsupportedAlgorithm = 'dpop_unsupported_algorithm',
  DpopBadKey = 'dpop_bad_key',
  DpopPrivateKey = 'dpop_private_key',
  DpopBadSignature = 'dpop_bad_signature',
  DpopBadJti = 'dpop_bad_jti',
  DpopWrongMethod = 'dpop_wrong_method',
  DpopWrongUrl = 'dpop_wrong_url',
  DpopBadIat = 'dpop_bad_iat',
  DpopProofTooOld = 'dpop_proof_too_old',
  DpopProofInFuture = 'dpop_proof_in_future',
  DpopWrongAth = 'dpop_wrong_ath',
  /** The proof's key is not the one the token is bound to (`cnf.jkt`). */
  DpopKeyMismatch = 'dpop_key_mismatch',
  DpopReplayed = 'dpop_replayed',
  // DPOP_NONCE (401 use_dpop_nonce, RFC 9449 9).
  DpopNonceMissing = 'dpop_nonce_missing',
  /** Older than the previous time step, or made with another secret: the two look alike. */
  DpopNonceStale = 'dpop_nonce_stale',
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
