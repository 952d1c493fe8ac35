/** A rate limit was exceeded: 429 with `Retry-After`, written by `HttpErrorFilter`. */
export class TooManyRequestsError extends Error {
  constructor(
    readonly limit: 'caller' | 'refused',
    readonly retryAfterSeconds: number,
  ) {
    super(
      limit === 'caller'
        ? 'too many requests; try again later'
        : 'too many refused requests from this address; try again later',
    );
  }
}
