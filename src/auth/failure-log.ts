/**
 * Decides which failures of a repeated task get a log line: the first of a streak, then at most
 * one per interval, so an issuer that stays down does not bury every other line.
 */
export class FailureLog {
  private lastLoggedAt: number | undefined;
  private failing = false;

  constructor(private readonly intervalMs = 60_000) {}

  /** Records a failure; whether it should be logged. */
  failed(now: number): boolean {
    this.failing = true;
    if (this.lastLoggedAt !== undefined && now - this.lastLoggedAt < this.intervalMs) return false;
    this.lastLoggedAt = now;
    return true;
  }

  /** Records a success; whether it ends a streak of failures (worth one line saying so). */
  succeeded(): boolean {
    const recovered = this.failing;
    this.failing = false;
    return recovered;
  }
}
