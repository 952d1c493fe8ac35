import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeFetchFailure, fetchKeySet } from './key-set-fetch.js';

/** Why fetching from `uri` failed, as the ERROR line would say it. */
async function failure(uri: string, timeoutMs = 3000): Promise<string> {
  try {
    await fetchKeySet(uri, timeoutMs);
  } catch (error) {
    return describeFetchFailure(error);
  }
  throw new Error(`fetching ${uri} succeeded`);
}

describe('fetchKeySet and describeFetchFailure', () => {
  let server: Server;
  let base: string;
  let handler: RequestListener = (_request, response) => response.end();

  beforeAll(async () => {
    server = createServer((request, response) => handler(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads a key set', async () => {
    handler = (_request, response) => response.end('{"keys":[{"kid":"k1"}]}');
    expect(await fetchKeySet(`${base}/v1/keys`, 3000)).toEqual({ keys: [{ kid: 'k1' }] });
  });

  it('says connection refused for a port nobody listens on', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    expect(await failure(`http://127.0.0.1:${port}/v1/keys`)).toBe('connection refused');
  });

  it('names the HTTP status of an answer that is not a success, redirects included', async () => {
    handler = (_request, response) => response.writeHead(404).end('Not found');
    expect(await failure(`${base}/v1/keys`)).toBe('HTTP 404');
    handler = (_request, response) => response.writeHead(301, { location: 'http://elsewhere/' }).end();
    expect(await failure(`${base}/v1/keys`)).toBe('HTTP 301');
  });

  it('says what is wrong with an answer that is not a key set', async () => {
    handler = (_request, response) => response.end('<html>sign in</html>');
    expect(await failure(`${base}/v1/keys`)).toBe('the answer is not JSON');
    handler = (_request, response) => response.end('{"issuer":"x"}');
    expect(await failure(`${base}/v1/keys`)).toMatch(/not a key set/);
  });

  it('gives up after the timeout, with no answer or a trickle', async () => {
    handler = () => undefined;
    expect(await failure(`${base}/v1/keys`, 200)).toBe('timeout (no answer within 0.2 s)');
    handler = (_request, response) => {
      response.write('{"keys":[');
      const timer = setInterval(() => response.write(' '), 50);
      response.on('close', () => clearInterval(timer));
    };
    expect(await failure(`${base}/v1/keys`, 300)).toBe('timeout (no answer within 0.3 s)');
  });

  it.each([
    ['ENOTFOUND', 'DNS name not found'],
    ['EAI_AGAIN', 'DNS lookup failed (temporary)'],
    ['ECONNRESET', 'connection closed by the server'],
    ['CERT_HAS_EXPIRED', 'TLS certificate expired'],
  ])('words the network error %s as "%s"', (code, words) => {
    expect(describeFetchFailure(Object.assign(new Error(`getaddrinfo ${code} x`), { code }))).toBe(words);
  });

  it('falls back to the error message for anything else', () => {
    expect(describeFetchFailure(new Error('something odd'))).toBe('something odd');
    expect(describeFetchFailure('a string')).toBe('unknown error');
  });
});
