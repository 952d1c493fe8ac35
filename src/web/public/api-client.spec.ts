import { jest } from '@jest/globals';
import { ApiClient, ApiError } from './api-client.js';
import type { AuthorizedRequest } from './session.js';

type Answer = { status: number; headers?: Record<string, string>; body?: unknown };

/** The page's fetch, answering from a script; records what each request carried. */
function scriptedFetch(answers: Answer[]) {
  const sent: { url: string; headers: Record<string, string> }[] = [];
  const fetchMock = jest.fn((url: string, init: { headers: Record<string, string> }) => {
    sent.push({ url, headers: init.headers });
    const answer = answers.shift() ?? { status: 500 };
    return Promise.resolve(
      new Response(JSON.stringify(answer.body ?? {}), { status: answer.status, headers: answer.headers }),
    );
  });
  return { fetchMock, sent };
}

const useNonce = (nonce: string): Answer => ({
  status: 401,
  headers: { 'www-authenticate': 'DPoP algs="RS256 ES256", error="use_dpop_nonce"', 'dpop-nonce': nonce },
  body: { statusCode: 401, error: 'Unauthorized', message: 'nonce required' },
});
const me = { status: 200, body: { sub: 'ann' } };

describe('ApiClient with DPoP nonces (RFC 9449 section 9)', () => {
  const requests: AuthorizedRequest[] = [];
  const authorize = (request: AuthorizedRequest) => {
    requests.push(request);
    return Promise.resolve({ authorization: 'DPoP tok', dpop: `proof-${requests.length}` });
  };

  beforeEach(() => {
    requests.length = 0;
    Object.assign(globalThis, { window: { location: { href: 'http://127.0.0.1:8000/' } } });
  });
  afterEach(() => Reflect.deleteProperty(globalThis, 'window'));

  it('tries a use_dpop_nonce answer once more with its nonce, and keeps the latest nonce for later calls', async () => {
    const { fetchMock, sent } = scriptedFetch([
      useNonce('n1'),
      me,
      { ...me, headers: { 'dpop-nonce': 'n2' } },
      me,
    ]);
    globalThis.fetch = fetchMock as unknown as typeof fetch;
    const api = new ApiClient(authorize);
    await expect(api.me()).resolves.toEqual({ sub: 'ann' });
    await api.me();
    await api.me();
    expect(requests).toEqual([
      { method: 'GET', url: 'http://127.0.0.1:8000/api/me', nonce: undefined },
      { method: 'GET', url: 'http://127.0.0.1:8000/api/me', nonce: 'n1' },
      { method: 'GET', url: 'http://127.0.0.1:8000/api/me', nonce: 'n1' },
      { method: 'GET', url: 'http://127.0.0.1:8000/api/me', nonce: 'n2' },
    ]);
    expect(sent.map(({ headers }) => headers.dpop)).toEqual(['proof-1', 'proof-2', 'proof-3', 'proof-4']);
  });

  it('gives up after one retry, and does not retry without a new nonce', async () => {
    const { fetchMock } = scriptedFetch([useNonce('n1'), useNonce('n2')]);
    globalThis.fetch = fetchMock as unknown as typeof fetch;
    const error = await new ApiClient(authorize).me().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(fetchMock).toHaveBeenCalledTimes(2);

    const noNonce = scriptedFetch([
      { status: 401, headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"' } },
    ]);
    globalThis.fetch = noNonce.fetchMock as unknown as typeof fetch;
    await expect(new ApiClient(authorize).me()).rejects.toBeInstanceOf(ApiError);
    expect(noNonce.fetchMock).toHaveBeenCalledTimes(1);
  });
});
