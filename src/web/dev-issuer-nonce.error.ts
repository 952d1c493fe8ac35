/**
 * The development issuer wants a nonce in the sign-in's DPoP proof (RFC 9449 section 8): `400`
 * with its `DPoP-Nonce`, which the page puts in a new proof and sends again.
 */
export class DevIssuerNonceError extends Error {
  constructor(readonly nonce: string) {
    super(
      'use_dpop_nonce: the development issuer requires a nonce in the DPoP proof; sign again with the DPoP-Nonce of this answer',
    );
  }
}
