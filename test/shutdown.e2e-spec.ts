import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import request from 'supertest';
import { startApiProcess, type ApiProcess } from './fixtures/api-process.js';
import { JwksServer } from './fixtures/jwks-server.js';
import { generateTestKey } from './fixtures/keys.js';
import { createTestApp } from './fixtures/test-app.js';
import { createTestDatabase, type TestDatabase } from './fixtures/test-database.js';
import { signAccessToken } from './fixtures/tokens.js';

function refusesConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('SIGTERM', () => {
  const key = generateTestKey();
  const jwks = new JwksServer([key]);
  let database: TestDatabase;
  let api: ApiProcess;
  let token: string;

  beforeAll(async () => {
    const issuer = await jwks.start();
    token = signAccessToken({ issuer, key });
    database = await createTestDatabase();
    api = await startApiProcess({ OKTA_ISSUER: issuer, DATABASE_URL: database.url });
  });

  afterAll(async () => {
    await api.stop();
    await jwks.stop();
    await database.drop();
  });

  it('stops accepting, finishes the request in flight, and exits 0 within 10 s', async () => {
    expect((await fetch(`${api.url}/health/ready`)).status).toBe(200);
    // A POST whose body is only half sent when the signal arrives: it is in flight, not yet answered.
    const body = JSON.stringify({ text: 'sent across a shutdown' });
    const { hostname, port } = new URL(api.url);
    const inFlight = httpRequest({
      host: hostname,
      port,
      method: 'POST',
      path: '/api/messages',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
      },
    });
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      inFlight.once('response', (response: IncomingMessage) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      });
      inFlight.once('error', reject);
    });
    inFlight.write(body.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 300));

    const signalled = Date.now();
    api.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await refusesConnections(api.url)).toBe(true);

    inFlight.end(body.slice(10));
    const response = await answered;
    expect(response.status).toBe(201);
    const created = JSON.parse(response.text) as { id: string; text: string };

    const { code, signal } = await api.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(10_000);

    // The message answered with 201 is stored: read it back through a new instance on the same database.
    const reader = await createTestApp({ OKTA_ISSUER: jwks.issuer, DATABASE_URL: database.url });
    try {
      const read = await request(reader.server)
        .get(`/api/messages/${created.id}`)
        .set('Authorization', `Bearer ${token}`);
      expect(read.status).toBe(200);
      expect(read.body.text).toBe('sent across a shutdown');
    } finally {
      await reader.close();
    }
  });
});

describe('SIGTERM to `npm run start:prod`', () => {
  // npm runs a script through `sh -c` and passes the signal to that shell: unless the shell hands
  // its place to node, npm and the shell exit and the server lives on, still holding its port,
  // and is never shut down gracefully.
  it('reaches the server, which shuts down and exits 0, and npm with it', async () => {
    const npm = await startApiProcess({}, { command: ['npm', 'run', 'start:prod'], detached: true });
    try {
      expect((await fetch(`${npm.url}/health/live`)).status).toBe(200);

      npm.child.kill('SIGTERM');
      expect(await npm.exited).toEqual({ code: 0, signal: null });
      expect(npm.output()).toContain('SIGTERM: no longer accepting connections');
      expect(await refusesConnections(npm.url)).toBe(true);
    } finally {
      await npm.stop();
    }
  });
});
