/** The verified caller, as handlers see it. */
export interface Principal {
  sub: string;
  uid: string | null;
  cid: string | null;
  scopes: readonly string[];
  groups: readonly string[];
  isAdmin: boolean;
  /** `exp` in seconds since the epoch. */
  exp: number;
}

/** What full verification yields: the caller plus what the verified-token cache re-checks. */
export interface VerifiedToken {
  principal: Principal;
  kid: string;
  nbf: number | undefined;
}

/** The request as the guards leave it for handlers. */
export interface AuthenticatedRequest {
  principal?: Principal;
}
