/**
 * Load test: two API processes on one fresh PostgreSQL database, mixed reads and writes from many
 * users over a fixed number of keep-alive connections. Not part of `npm test`; run `npm run bench:load`.
 * Prints throughput, latency percentiles, errors, lost writes (acknowledged 201s missing from the
 * database, compared afterwards) and each instance's RSS after the first 10 s and at the end.
 * Exits 1 when any error, lost write or >20% RSS growth is seen.
 *
 * BENCH_SECONDS (60), BENCH_USERS (1000), BENCH_CONNECTIONS (100), BENCH_WRITE_RATIO (0.3),
 * BENCH_NODE_OPTIONS (`--max-old-space-size=96`, as a container would set it: without a cap V8 lets the
 * heap grow lazily, about 1.3 MB/s under this load, long before it collects; `none` runs uncapped).
 */
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { startApiProcess, type ApiProcess } from '../fixtures/api-process.js';
import { JwksServer } from '../fixtures/jwks-server.js';
import { generateTestKey } from '../fixtures/keys.js';
import { createPostgresDatabase } from '../fixtures/test-database.js';
import { signAccessToken } from '../fixtures/tokens.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const USERS = Number(process.env.BENCH_USERS ?? 1000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const WRITE_RATIO = Number(process.env.BENCH_WRITE_RATIO ?? 0.3);
const NODE_OPTIONS = process.env.BENCH_NODE_OPTIONS ?? '--max-old-space-size=96';

interface Response {
  status: number;
  body: string;
}

function send(agent: Agent, base: URL, method: string, path: string, token: string, body?: string) {
  return new Promise<Response>((resolve, reject) => {
    const req = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method,
        path,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body === undefined
            ? {}
            : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }),
        },
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  const key = generateTestKey();
  const jwks = new JwksServer([key]);
  const issuer = await jwks.start();
  const database = await createPostgresDatabase();
  const instances: ApiProcess[] = [];
  try {
    const subs = Array.from({ length: USERS }, (_, i) => `user${i}@example.com`);
    const tokens = subs.map((sub) => signAccessToken({ issuer, key, claims: { sub } }));
    instances.push(
      ...(await Promise.all(
        [1, 2].map(() =>
          startApiProcess({
            NODE_ENV: 'production',
            OKTA_ISSUER: issuer,
            DATABASE_URL: database.url,
            ...(NODE_OPTIONS === 'none' ? {} : { NODE_OPTIONS }),
          }),
        ),
      )),
    );
    const bases = instances.map((api) => new URL(api.url));
    console.log(
      `load: ${SECONDS} s, ${USERS} users, ${CONNECTIONS} connections over 2 instances (${instances.map((i) => i.url).join(', ')}), ${WRITE_RATIO * 100}% writes, NODE_OPTIONS ${NODE_OPTIONS}`,
    );

    const latencies: number[] = [];
    const acknowledged = new Set<string>();
    const lastIdOf = new Map<number, string>();
    const errors = new Map<string, number>();
    const counts = { reads: 0, writes: 0 };
    const fail = (what: string) => errors.set(what, (errors.get(what) ?? 0) + 1);
    const started = Date.now();
    const deadline = started + SECONDS * 1000;
    let rssAt10: number[] = [];
    const sampler = setTimeout(() => (rssAt10 = instances.map((api) => rssMb(api.child.pid))), 10_000);
    const timeline: string[] = [];
    const tracer = setInterval(() => {
      const second = Math.round((Date.now() - started) / 1000);
      timeline.push(`${second}s ${instances.map((api) => rssMb(api.child.pid).toFixed(0)).join('/')}`);
    }, 5000);

    async function worker(index: number): Promise<void> {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const base = bases[index % 2];
      let n = 0;
      while (Date.now() < deadline) {
        const user = Math.floor(Math.random() * USERS);
        const token = tokens[user];
        const roll = Math.random();
        const at = performance.now();
        try {
          if (roll < WRITE_RATIO) {
            const body = JSON.stringify({ text: `load ${index}-${n++} from user ${user}` });
            const res = await send(agent, base, 'POST', '/api/messages', token, body);
            if (res.status !== 201) fail(`POST ${res.status}`);
            else {
              const id = (JSON.parse(res.body) as { id: string }).id;
              acknowledged.add(id);
              lastIdOf.set(user, id);
            }
            counts.writes += 1;
          } else {
            const id = lastIdOf.get(user);
            const path = id !== undefined && roll > 0.85 ? `/api/messages/${id}` : '/api/messages?limit=20';
            const res = await send(agent, base, 'GET', path, token);
            if (res.status !== 200) fail(`GET ${res.status}`);
            counts.reads += 1;
          }
        } catch (error) {
          fail((error as Error).message);
        }
        latencies.push(performance.now() - at);
      }
      agent.destroy();
    }

    await Promise.all(Array.from({ length: CONNECTIONS }, (_, i) => worker(i)));
    clearTimeout(sampler);
    clearInterval(tracer);
    const elapsed = (Date.now() - started) / 1000;
    const rssEnd = instances.map((api) => rssMb(api.child.pid));

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ id: string }>('SELECT id FROM messages');
    await client.end();
    const stored = new Set(rows.map((row) => row.id));
    const lost = [...acknowledged].filter((id) => !stored.has(id)).length;
    const unacknowledged = [...stored].filter((id) => !acknowledged.has(id)).length;

    latencies.sort((a, b) => a - b);
    const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
    const growth = rssEnd.map((end, i) => (rssAt10[i] ? end / rssAt10[i] - 1 : 0));
    const figures = {
      requests: latencies.length,
      'requests/s': Math.round(latencies.length / elapsed),
      reads: counts.reads,
      writes: counts.writes,
      'p50 ms': Number(percentile(latencies, 50).toFixed(1)),
      'p99 ms': Number(percentile(latencies, 99).toFixed(1)),
      'max ms': Number(latencies.at(-1)?.toFixed(1) ?? 0),
      errors: errorCount,
      'writes acknowledged (201)': acknowledged.size,
      'rows in database': stored.size,
      'lost writes': lost,
      'stored but not acknowledged': unacknowledged,
      'RSS MB at 10 s': rssAt10.map((mb) => mb.toFixed(0)).join(' / '),
      'RSS MB at end': rssEnd.map((mb) => mb.toFixed(0)).join(' / '),
      'RSS growth': growth.map((g) => `${(g * 100).toFixed(1)}%`).join(' / '),
    };
    console.table(figures);
    console.log(`RSS MB every 5 s: ${timeline.join(', ')}`);
    if (errorCount > 0) console.log('errors:', Object.fromEntries(errors));
    const ok = errorCount === 0 && lost === 0 && unacknowledged === 0 && growth.every((g) => g <= 0.2);
    console.log(ok ? 'PASS' : 'FAIL');
    process.exitCode = ok ? 0 : 1;
  } finally {
    await Promise.all(instances.map((api) => api.stop()));
    await jwks.stop();
    await database.drop();
  }
}

await main();
