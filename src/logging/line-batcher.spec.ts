import { type AsyncDestination, LineBatcher } from './line-batcher.js';

/** Records what reaches the destination, and whether it was flushed synchronously. */
function destination() {
  const out = {
    writes: [] as string[],
    synced: 0,
    flushed: 0,
    destroyed: false,
    write(chunk: string) {
      out.writes.push(chunk);
      return true;
    },
    flush(callback?: (error?: Error) => void) {
      out.flushed += 1;
      callback?.();
    },
    flushSync() {
      out.synced += 1;
    },
  };
  return out satisfies AsyncDestination;
}

describe('LineBatcher', () => {
  it('hands lines over as one string once a batch is full, in order', () => {
    const out = destination();
    const batcher = new LineBatcher(out, 10);
    batcher.write('aaaa\n');
    batcher.write('bbbb\n');
    expect(out.writes).toEqual(['aaaa\nbbbb\n']);
    batcher.write('cc\n');
    expect(out.writes).toEqual(['aaaa\nbbbb\n']);
    batcher.write('dddddddd\n');
    expect(out.writes).toEqual(['aaaa\nbbbb\n', 'cc\ndddddddd\n']);
  });

  it('hands over a partial batch before flushing, asynchronously or synchronously', () => {
    const out = destination();
    const batcher = new LineBatcher(out, 4096);
    batcher.write('one\n');
    const outcomes: unknown[] = [];
    batcher.flush((error) => outcomes.push(error));
    expect(out.writes).toEqual(['one\n']);
    expect(out.flushed).toBe(1);
    expect(outcomes).toEqual([undefined]);
    batcher.write('two\n');
    batcher.flushSync();
    expect(out.writes).toEqual(['one\n', 'two\n']);
    expect(out.synced).toBe(1);
    batcher.flush();
    expect(out.writes).toHaveLength(2);
  });

  it('writes what is pending when the process exits', () => {
    const out = destination();
    const batcher = new LineBatcher(out, 4096);
    batcher.write('last words\n');
    process.emit('exit', 0);
    expect(out.writes).toEqual(['last words\n']);
    expect(out.synced).toBe(1);
  });

  it('reports, rather than throws, a flush after the destination closed', () => {
    const out = destination();
    const batcher = new LineBatcher(out, 4096);
    out.destroyed = true;
    batcher.write('too late\n');
    const outcomes: unknown[] = [];
    expect(() => batcher.flush((error) => outcomes.push(error))).not.toThrow();
    expect(() => batcher.flush()).not.toThrow();
    expect(() => batcher.flushSync()).not.toThrow();
    expect(outcomes).toEqual([expect.any(Error)]);
    expect(out.writes).toEqual([]);
  });
});
