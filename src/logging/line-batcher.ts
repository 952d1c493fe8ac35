import onExit from 'on-exit-leak-free';
import type { DestinationStream } from 'pino';

/** What the batcher needs of pino's asynchronous destination (sonic-boom). */
export interface AsyncDestination {
  write(chunk: string): unknown;
  flush(callback?: (error?: Error) => void): void;
  flushSync(): void;
  readonly destroyed?: boolean;
}

/**
 * Collects log lines and hands them to pino's asynchronous destination one batch (one string) at a
 * time. Left to batch on its own (`minLength`), sonic-boom appends each line to its pending string
 * and measures that string's byte length on every write, which flattens it: about 7 KB of garbage
 * and 5 µs per request line at 4 KB batches. Joining here costs one string per batch.
 *
 * Nothing is lost: `flush()` (pino's `logger.flush()`, the periodic timer) and `flushSync()` hand
 * over what is pending first, and so do the process's `beforeExit` and `exit` events.
 */
export class LineBatcher implements DestinationStream {
  private lines: string[] = [];
  /** Characters pending (the bytes of ASCII lines; a little fewer than the bytes otherwise). */
  private pendingLength = 0;

  constructor(
    private readonly out: AsyncDestination,
    private readonly batchLength: number,
  ) {
    onExit.registerBeforeExit(this, (batcher: LineBatcher) => batcher.drain());
    onExit.register(this, (batcher: LineBatcher) => batcher.flushSync());
  }

  write(line: string): void {
    this.lines.push(line);
    this.pendingLength += line.length;
    if (this.pendingLength >= this.batchLength) this.drain();
  }

  flush(callback?: (error?: Error) => void): void {
    this.drain();
    if (this.out.destroyed) callback?.(new Error('the log destination is closed'));
    else this.out.flush(callback);
  }

  flushSync(): void {
    this.drain();
    if (!this.out.destroyed) this.out.flushSync();
  }

  private drain(): void {
    if (this.lines.length === 0) return;
    const batch = this.lines.length === 1 ? this.lines[0] : this.lines.join('');
    this.lines = [];
    this.pendingLength = 0;
    if (!this.out.destroyed) this.out.write(batch);
  }
}
