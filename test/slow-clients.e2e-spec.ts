import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';

/** Resolves with how long the server took to close `socket`, and what it sent before. */
function closed(socket: Socket): Promise<{ ms: number; received: string }> {
  const started = Date.now();
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  return new Promise((resolve) => socket.on('close', () => resolve({ ms: Date.now() - started, received })));
}

/** The contract's "slow clients cannot hold the server": each limit closes what exceeds it. */
describe('slow clients', () => {
  let env: OktaTestEnv;
  let port: number;

  beforeAll(async () => {
    env = await startOktaTestEnv({
      HEADERS_TIMEOUT_MS: '1000',
      REQUEST_TIMEOUT_MS: '2000',
      KEEP_ALIVE_TIMEOUT_MS: '300',
    });
    await env.api.app.listen(0, '127.0.0.1');
    ({ port } = env.api.app.getHttpServer().address() as AddressInfo);
  });

  afterAll(() => env.close());

  const open = () => connect(port, '127.0.0.1');

  it('closes a connection whose headers do not arrive within HEADERS_TIMEOUT_MS', async () => {
    const socket = open();
    const done = closed(socket);
    socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const { ms } = await done;
    // Node checks once a second; a bound any machine meets, far below the default of a minute.
    expect(ms).toBeLessThan(5000);
  });

  it('closes a request whose body does not arrive within REQUEST_TIMEOUT_MS', async () => {
    const socket = open();
    const done = closed(socket);
    socket.write(
      'POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"te',
    );
    const { ms, received } = await done;
    expect(ms).toBeLessThan(6000);
    expect(received === '' || received.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('closes an idle keep-alive connection after KEEP_ALIVE_TIMEOUT_MS', async () => {
    const socket = open();
    const done = closed(socket);
    socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const { ms, received } = await done;
    expect(received).toMatch(/^HTTP\/1\.1 200/);
    expect(ms).toBeLessThan(3000);
  });
});
