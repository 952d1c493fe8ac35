/** A dependency (the key endpoint, the database) is down: 503 with `Retry-After`, never a 500. */
export class ServiceUnavailableError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
