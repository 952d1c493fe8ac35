import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { MAX_DEPTH, MAX_FIELDS } from '../src/common/app-validation.pipe.js';
import { MetricsServer } from '../src/metrics/metrics.server.js';
import { rawGet } from './fixtures/http.js';
import { sample, scrape } from './fixtures/metrics.js';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

/** The headers every JSON answer carries (see security-headers.ts). */
function expectApiHeaders(headers: Record<string, string>): void {
  expect(headers['content-type']).toMatch(/^application\/json/);
  expect(headers['cache-control']).toBe('no-store');
  expect(headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['x-request-id']).toBeTruthy();
}

function expectErrorShape(body: unknown, status: number): asserts body is ErrorBody {
  expect(Object.keys(body as object).sort()).toEqual(['error', 'message', 'statusCode']);
  expect((body as ErrorBody).statusCode).toBe(status);
}

describe('edges of the request surface', () => {
  let env: OktaTestEnv;
  let port: number;
  let token: string;

  beforeAll(async () => {
    env = await startOktaTestEnv();
    await env.api.app.listen(0, '127.0.0.1');
    port = (env.api.server.address() as AddressInfo).port;
    token = env.token({ claims: { sub: 'edges@example.com' } });
  });
  afterAll(async () => {
    await env.close();
  });

  describe('an unknown route', () => {
    it('is named without its query string, so a token there is never echoed', async () => {
      const response = await request(env.api.server).get(`/api/nope?access_token=${token}&x=1`).expect(404);
      expectErrorShape(response.body, 404);
      expect(response.body.message).toBe('Cannot GET /api/nope');
      expect(response.text).not.toContain(token);
      expect(response.text).not.toContain('access_token');
    });

    it('is named by the first 100 characters of its path at most', async () => {
      const response = await request(env.api.server)
        .get(`/api/${'p'.repeat(500)}`)
        .expect(404);
      expect(response.body.message).toBe(`Cannot GET /api/${'p'.repeat(95)}…`);
    });
  });

  describe('errors the router answers before any hook', () => {
    it('a malformed percent-encoding: 400 in the contract shape, with the headers, no URL echoed', async () => {
      const answer = await rawGet(port, { path: `/api/messages/%E0%A4%A?access_token=${token}` });
      expect(answer.status).toBe(400);
      const body: unknown = JSON.parse(answer.body);
      expectErrorShape(body, 400);
      expect(body.message).toBe('malformed URL: a percent-encoded sequence is not valid');
      expectApiHeaders(answer.headers);
      expect(JSON.stringify(answer)).not.toContain(token);
    });

    it('a path parameter over 100 characters: 414 in the contract shape, with the headers', async () => {
      const answer = await rawGet(port, { path: `/api/messages/${'a'.repeat(101)}` });
      expect(answer.status).toBe(414);
      const body: unknown = JSON.parse(answer.body);
      expectErrorShape(body, 414);
      expect(body.message).toBe('a path segment is too long');
      expectApiHeaders(answer.headers);
      expect(answer.body).not.toContain('aaaa');
    });

    it('are counted in the request metrics, as unmatched routes', async () => {
      const count = async (status: string) =>
        sample(await scrape(env.api.app.get(MetricsServer).url!), 'http_request_duration_seconds_count', {
          method: 'GET',
          route: 'unmatched',
          status,
        }) ?? 0;
      const before = [await count('400'), await count('414')];
      expect((await rawGet(port, { path: '/api/messages/%E0%A4%A' })).status).toBe(400);
      expect((await rawGet(port, { path: `/api/messages/${'a'.repeat(101)}` })).status).toBe(414);
      expect((await rawGet(port, { path: `/api/messages/${'a'.repeat(101)}` })).status).toBe(414);
      expect([(await count('400')) - before[0], (await count('414')) - before[1]]).toEqual([1, 2]);
    });
  });

  describe('OPTIONS that is not a CORS preflight', () => {
    it.each([
      ['without Origin', { 'Access-Control-Request-Method': 'GET' }],
      ['without Access-Control-Request-Method', { Origin: 'http://localhost:8080' }],
      ['with neither', {}],
    ])('%s: 400 in JSON', async (_case, headers: Record<string, string>) => {
      const response = await request(env.api.server).options('/api/messages').set(headers).expect(400);
      expectErrorShape(response.body, 400);
      expect(response.body.message).toMatch(/Origin.*Access-Control-Request-Method/);
      expectApiHeaders(response.headers);
    });

    it('a real preflight is still answered 204', async () => {
      await request(env.api.server)
        .options('/api/messages')
        .set('Origin', 'http://localhost:8080')
        .set('Access-Control-Request-Method', 'POST')
        .expect(204)
        .expect('access-control-allow-origin', 'http://localhost:8080');
    });
  });

  describe('POST bodies', () => {
    const post = (body: string) =>
      request(env.api.server)
        .post('/api/messages')
        .set('Authorization', `Bearer ${token}`)
        .set('Content-Type', 'application/json')
        .send(body);
    const nested = (levels: number, inner: string) => '['.repeat(levels) + inner + ']'.repeat(levels);

    it.each([
      ['in an extra field', (levels: number) => `{"text":"x","a":${nested(levels, '1')}}`],
      ['in text', (levels: number) => `{"text":${nested(levels, '"x"')}}`],
      ['in objects', (levels: number) => `{"text":"x","a":${'{"b":'.repeat(levels)}1${'}'.repeat(levels)}}`],
    ])('nested 2,000 levels deep %s: 400, not 500', async (_case, body) => {
      const response = await post(body(2000)).expect(400);
      expectErrorShape(response.body, 400);
      expect(response.body.message).toBe(`request body is nested more than ${MAX_DEPTH} levels deep`);
    });

    it('nested up to the limit: validated as usual (the extra field is named)', async () => {
      const response = await post(`{"text":"x","a":${nested(MAX_DEPTH - 1, '1')}}`).expect(400);
      expect(response.body.message).toBe('property a should not exist');
    });

    it('unknown fields up to the limit: the first 20 are named, then how many more', async () => {
      const fields = Array.from({ length: MAX_FIELDS - 1 }, (_, i) => `"f${i}":1`).join(',');
      const response = await post(`{"text":"x",${fields}}`).expect(400);
      const parts = (response.body as ErrorBody).message.split('; ');
      expect(parts).toHaveLength(21);
      expect(parts[0]).toBe('property f0 should not exist');
      expect(parts[20]).toBe(`and ${MAX_FIELDS - 1 - 20} more`);
    });

    it('a 16 KiB body of 2,000 unknown fields: refused at once while /health/live keeps answering', async () => {
      const fields = Array.from({ length: 2000 }, (_, i) => `"${i.toString(36)}":1`).join(',');
      const body = `{"text":"x",${fields}}`;
      expect(body.length).toBeLessThanOrEqual(16 * 1024);
      const refusals = Array.from({ length: 8 }, () => post(body));
      const started = Date.now();
      await request(env.api.server).get('/health/live').expect(200);
      // A bound any machine meets; before the field limit, each such body took seconds of CPU.
      expect(Date.now() - started).toBeLessThan(1000);
      for (const response of await Promise.all(refusals)) {
        expect(response.status).toBe(400);
        expect((response.body as ErrorBody).message).toBe(`request body has more than ${MAX_FIELDS} fields`);
      }
    });

    it('a body over BODY_LIMIT_BYTES (16 KiB by default): 413 before the token is checked', async () => {
      const response = await request(env.api.server)
        .post('/api/messages')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ text: 'x'.repeat(17 * 1024) }))
        .expect(413);
      expectErrorShape(response.body, 413);
    });
  });

  describe('query errors name every bad field', () => {
    const get = (path: string) => request(env.api.server).get(path).set('Authorization', `Bearer ${token}`);
    const cursor = 'cursor must be a nextCursor value from a previous page';

    it('a cursor that does not decode, with a bad limit', async () => {
      const response = await get('/api/messages?cursor=zz&limit=abc').expect(400);
      expect((response.body as ErrorBody).message.split('; ').sort()).toEqual(
        [cursor, 'limit must be a whole number from 1 to 100'].sort(),
      );
    });

    it('a cursor that does not decode, with an unknown field', async () => {
      const response = await get('/api/messages?cursor=zz&foo=1').expect(400);
      expect((response.body as ErrorBody).message.split('; ').sort()).toEqual(
        [cursor, 'property foo should not exist'].sort(),
      );
    });

    it('a cursor that does not decode alone', async () => {
      const response = await get('/api/messages?cursor=zz').expect(400);
      expect((response.body as ErrorBody).message).toBe(cursor);
    });
  });

  it('a message id in upper case is the same message', async () => {
    const created = await request(env.api.server)
      .post('/api/messages')
      .set('Authorization', `Bearer ${token}`)
      .send({ text: 'case' })
      .expect(201);
    const id = (created.body as { id: string }).id;
    const found = await request(env.api.server)
      .get(`/api/messages/${id.toUpperCase()}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect((found.body as { id: string }).id).toBe(id);
    await request(env.api.server)
      .delete(`/api/messages/${id.toUpperCase()}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(204);
  });
});
