import { JwksServer } from './fixtures/jwks-server.js';
import { generateTestKey, type TestKey } from './fixtures/keys.js';
import { signAccessToken } from './fixtures/tokens.js';
import { startApiProcess, type ApiProcess } from './fixtures/api-process.js';
import { rawGet } from './fixtures/http.js';

type LogLine = Record<string, unknown> & {
  msg?: string;
  reqId?: string;
  req?: { method: string; path: string };
  res?: { statusCode: number };
};

/** The JSON log lines the server has written so far. */
function logLines(server: ApiProcess): LogLine[] {
  return server
    .output()
    .split('\n')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
}

/** The first log line matching `predicate`, once the server has written it. */
async function waitForLine(
  server: ApiProcess,
  predicate: (line: LogLine) => boolean,
  timeoutMs = 10_000,
): Promise<LogLine> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = logLines(server).find(predicate);
    if (found) return found;
    if (server.child.exitCode !== null) throw new Error(`server exited:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`log line not seen in time:\n${server.output()}`);
}

describe('structured logs and audit events (the built server, NODE_ENV=production)', () => {
  let key: TestKey;
  let jwks: JwksServer;
  let server: ApiProcess;
  const tokens: string[] = [];
  const texts = ['the launch code is 0000', 'a second, equally private note'];

  function token(claims: Record<string, unknown>): string {
    const signed = signAccessToken({ issuer: jwks.issuer, key, claims });
    tokens.push(signed);
    return signed;
  }

  async function call(
    method: string,
    path: string,
    bearer?: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return fetch(`${server.url}${path}`, {
      method,
      headers: {
        ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
        ...(body ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body: body ? JSON.stringify(body) : undefined,
    });
  }

  beforeAll(async () => {
    key = generateTestKey();
    jwks = new JwksServer([key]);
    await jwks.start();
    server = await startApiProcess({
      NODE_ENV: 'production',
      OKTA_ISSUER: jwks.issuer,
      DATABASE_URL: 'sqlite::memory:',
      PORT: '0',
      METRICS_PORT: 'off',
      LOG_LEVEL: 'info',
      TRUST_PROXY: '127.0.0.1',
    });
  });

  afterAll(async () => {
    await server.stop();
    await jwks.stop();
  });

  it('starts with a short banner at info: no module or route mapping lines', () => {
    const start = logLines(server).filter(
      (line) => line.msg !== 'request completed' && line.context !== 'audit',
    );
    const contexts = new Set(start.map((line) => line.context));
    for (const chatter of [
      'NestFactory',
      'InstanceLoader',
      'RoutesResolver',
      'RouterExplorer',
      'NestApplication',
    ]) {
      expect(contexts).not.toContain(chatter);
    }
    expect(String(start[0].msg)).toMatch(/^API listening on http:\/\/127\.0\.0\.1:\d+ with issuer /);
  });

  it('logs one JSON line per request without tokens or message text, and audits admin reads and deletes', async () => {
    const alice = token({ sub: 'alice@example.com', cid: 'spa-client' });
    const admin = token({ sub: 'root@example.com', cid: 'admin-console', groups: ['Admins'] });
    const expired = token({ exp: Math.floor(Date.now() / 1000) - 3600 });

    const created = await call(
      'POST',
      '/api/messages',
      alice,
      { text: texts[0] },
      { 'X-Request-Id': 'trace-42' },
    );
    expect(created.status).toBe(201);
    expect(created.headers.get('x-request-id')).toBe('trace-42');
    const { id } = (await created.json()) as { id: string };
    const own = await call('POST', '/api/messages', alice, { text: texts[1] });
    const ownId = ((await own.json()) as { id: string }).id;
    expect((await call('GET', '/api/messages', alice)).status).toBe(200);
    expect((await call('GET', `/api/messages/${id}`, alice)).status).toBe(200);

    const refused = await call('GET', '/api/messages', expired, undefined, {
      'X-Request-Id': 'bad id with spaces',
    });
    expect(refused.status).toBe(401);
    const generatedId = refused.headers.get('x-request-id')!;
    expect(generatedId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await call('GET', `/api/messages?access_token=${alice}`)).status).toBe(400);

    // Through a trusted proxy: the client it forwards is the one logged and audited.
    const listed = await call('GET', '/api/admin/messages?author=alice%40example.com', admin, undefined, {
      'X-Request-Id': 'admin-read-1',
      'X-Forwarded-For': '203.0.113.9',
    });
    expect(listed.status).toBe(200);
    const removed = await call('DELETE', `/api/messages/${id}`, admin, undefined, {
      'X-Request-Id': 'admin-del-1',
    });
    expect(removed.status).toBe(204);
    expect((await call('DELETE', `/api/messages/${ownId}`, alice)).status).toBe(204);

    await waitForLine(
      server,
      (line) => line.reqId !== undefined && line.req?.path === `/api/messages/${ownId}`,
    );
    const all = server.output();
    for (const secret of [...tokens, ...texts]) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/authorization|bearer /i);

    const requests = logLines(server).filter((line) => line.msg === 'request completed');
    expect(requests).toHaveLength(9);
    const first = requests.find((line) => line.reqId === 'trace-42')!;
    expect(first).toMatchObject({
      req: { method: 'POST', path: '/api/messages' },
      route: '/api/messages',
      res: { statusCode: 201 },
      site: 'default',
      sub: 'alice@example.com',
      cid: 'spa-client',
      client: '127.0.0.1',
    });
    expect(typeof first.durationMs).toBe('number');
    const byId = requests.find(
      (line) => line.req?.path === `/api/messages/${id}` && line.req.method === 'GET',
    )!;
    expect(byId.route).toBe('/api/messages/:id');
    expect(requests.find((line) => line.reqId === generatedId)).toMatchObject({
      res: { statusCode: 401 },
      // Refused after its site was known: the line names it.
      site: 'default',
      refusal: 'token_expired',
      refusalCode: 'invalid_token',
    });
    expect(requests.find((line) => line.res?.statusCode === 400)).toMatchObject({
      req: { path: '/api/messages' },
      refusal: 'token_in_query',
      refusalCode: 'invalid_request',
    });

    const audit = logLines(server).filter((line) => line.audit === true);
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({
      context: 'audit',
      action: 'admin.messages.list',
      site: 'default',
      actor: 'root@example.com',
      author: 'alice@example.com',
      reqId: 'admin-read-1',
      client: '203.0.113.9',
      stepUp: 'not_required',
      actorAcr: null,
    });
    expect(requests.find((line) => line.reqId === 'admin-read-1')).toMatchObject({ client: '203.0.113.9' });
    expect(audit[1]).toMatchObject({
      context: 'audit',
      action: 'admin.messages.delete',
      site: 'default',
      actor: 'root@example.com',
      author: 'alice@example.com',
      messageId: id,
      reqId: 'admin-del-1',
      client: '127.0.0.1',
      stepUp: 'not_required',
    });
    for (const event of audit) expect(Date.parse(String(event.at))).not.toBeNaN();
  });

  it('logs what the router answers itself (a malformed URL, an over-long path segment), without the query', async () => {
    const port = Number(new URL(server.url).port);
    const misplaced = token({ sub: 'router-edges@example.com' });
    const badUrl = await rawGet(port, {
      path: `/api/messages/%E0%A4%A?access_token=${misplaced}`,
      headers: ['X-Request-Id: bad-url-1'],
    });
    expect(badUrl.status).toBe(400);
    expect(badUrl.headers['x-request-id']).toBe('bad-url-1');
    const segment = 'a'.repeat(101);
    const tooLong = await rawGet(port, {
      path: `/api/messages/${segment}`,
      headers: ['X-Request-Id: long-segment-1'],
    });
    expect(tooLong.status).toBe(414);

    const bad = await waitForLine(server, (line) => line.reqId === 'bad-url-1');
    expect(bad).toMatchObject({
      msg: 'request completed',
      req: { method: 'GET', path: '/api/messages/%E0%A4%A' },
      res: { statusCode: 400 },
    });
    expect(bad.route).toBeUndefined();
    expect(bad.durationMs).toEqual(expect.any(Number));
    expect(await waitForLine(server, (line) => line.reqId === 'long-segment-1')).toMatchObject({
      msg: 'request completed',
      req: { method: 'GET', path: `/api/messages/${segment}` },
      res: { statusCode: 414 },
    });
    expect(server.output()).not.toContain(misplaced);
    expect(server.output()).not.toContain('access_token');
  });

  it("names a 400's bad fields in its line, and logs Swagger UI's page and assets only at debug", async () => {
    const writer = token({ sub: 'fields@example.com' });
    const bad = await call(
      'POST',
      '/api/messages',
      writer,
      { text: 7, colour: 'red' },
      { 'X-Request-Id': 'bad-body-1' },
    );
    expect(bad.status).toBe(400);
    const docs = await call('GET', '/api/docs', undefined, undefined, { 'X-Request-Id': 'docs-page-1' });
    expect(docs.status).toBe(200);
    const line = await waitForLine(server, (entry) => entry.reqId === 'bad-body-1');
    expect(line.detail).toEqual(expect.stringContaining('text must be a string'));
    expect(line.detail).toEqual(expect.stringContaining('property colour should not exist'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(logLines(server).some((entry) => entry.reqId === 'docs-page-1')).toBe(false);
  });
});
