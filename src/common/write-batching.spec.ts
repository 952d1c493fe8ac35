import Fastify from 'fastify';
import { Readable } from 'node:stream';
import { batchResponseWrites, writeAtEndOfTurn } from './write-batching.js';

type Done = (error: Error | null, payload?: unknown) => void;

describe('writeAtEndOfTurn', () => {
  const call = (payload: unknown, done: Done): void => {
    (writeAtEndOfTurn as unknown as (q: unknown, r: unknown, p: unknown, d: Done) => void)(
      {},
      {},
      payload,
      done,
    );
  };

  it('hands every response back unchanged, after the current turn, in the order they finished', async () => {
    const written: unknown[] = [];
    const stream = Readable.from(['x']);
    call('{"first":1}', (error, payload) => written.push([error, payload]));
    call(stream, (error, payload) => written.push([error, payload]));
    call(undefined, (error, payload) => written.push([error, payload]));
    expect(written).toEqual([]);
    // Work queued behind them in the same turn still runs before they are written.
    await Promise.resolve();
    expect(written).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual([
      [null, '{"first":1}'],
      [null, stream],
      [null, undefined],
    ]);
  });

  it('leaves status, headers, bodies and errors of a real server as they were', async () => {
    const app = Fastify();
    batchResponseWrites(app);
    app.get('/json', (_request, reply) => reply.header('x-kept', 'yes').code(201).send({ ok: true }));
    app.get('/stream', (_request, reply) => reply.type('text/plain').send(Readable.from(['a', 'b'])));
    app.get('/boom', () => {
      throw new Error('boom');
    });
    app.get('/bad-header', (_request, reply) => reply.header('x-bad', 'a\u0007b').send({ ok: true }));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const [json, stream, boom, missing] = await Promise.all(
        ['/json', '/stream', '/boom', '/missing'].map((path) => fetch(`${url}${path}`)),
      );
      expect(json.status).toBe(201);
      expect(json.headers.get('x-kept')).toBe('yes');
      expect(await json.json()).toEqual({ ok: true });
      expect(await stream.text()).toBe('ab');
      expect(boom.status).toBe(500);
      expect(missing.status).toBe(404);
      // A response Node refuses to write is a 500, not an uncaught exception that ends the process.
      const refused = await fetch(`${url}/bad-header`);
      expect(refused.status).toBe(500);
      expect(refused.headers.get('x-bad')).toBeNull();
      expect((await fetch(`${url}/json`)).status).toBe(201);
    } finally {
      await app.close();
    }
  });
});
