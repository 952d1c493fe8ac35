/** What a notice on the refused-address channel carries: an address, and for how long it is refused. */
interface RefusedNotice {
  address: string;
  ms: number;
}

/** Sweep expired entries once the map holds this many. */
const SWEEP_AT = 10_000;

/**
 * The addresses over their refusal limit, each until its window ends: this instance's copy of what
 * every instance found. Checking it costs a map lookup, and nothing at all while it is empty.
 */
export class RefusedAddresses {
  private readonly until = new Map<string, number>();

  constructor(private readonly maxMs: number) {}

  get empty(): boolean {
    return this.until.size === 0;
  }

  refuse(address: string, ms: number): void {
    const until = Date.now() + Math.min(Math.max(ms, 0), this.maxMs);
    if ((this.until.get(address) ?? 0) >= until) return;
    if (this.until.size >= SWEEP_AT) this.sweep();
    this.until.set(address, until);
  }

  /** Seconds until `address` may try again, or 0. */
  wait(address: string): number {
    const until = this.until.get(address);
    if (until === undefined) return 0;
    const ms = until - Date.now();
    if (ms > 0) return Math.max(1, Math.ceil(ms / 1000));
    this.until.delete(address);
    return 0;
  }

  static notice(address: string, ms: number): string {
    return JSON.stringify({ address, ms } satisfies RefusedNotice);
  }

  /** A notice from any instance (this one included); anything malformed is ignored. */
  hear(raw: string): void {
    let notice: unknown;
    try {
      notice = JSON.parse(raw);
    } catch {
      return;
    }
    if (typeof notice !== 'object' || notice === null) return;
    const { address, ms } = notice as Partial<RefusedNotice>;
    if (typeof address !== 'string' || address.length > 100 || typeof ms !== 'number' || !(ms > 0)) return;
    this.refuse(address, ms);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [address, until] of this.until) if (until <= now) this.until.delete(address);
  }
}
