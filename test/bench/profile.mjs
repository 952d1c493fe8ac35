// `node test/bench/profile.mjs [seconds]`: drives this API alone under the benchmark's load and
// writes a CPU profile (test-output/api.cpuprofile) plus its top functions by self time. It runs
// the unbundled build (dist/main.js), so time is attributed to packages; BENCH_ENTRY=dist/server.js
// profiles the bundle that `npm start` runs.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIENCE, CLIENT_ID, startIssuer, subject } from './lib/issuer.mjs';
import { load } from './lib/load.mjs';
import { startTarget } from './lib/processes.mjs';

const seconds = Number(process.argv[2] ?? 10);
const root = new URL('../../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'messages-profile-'));
const file = join(root, 'test-output/api.cpuprofile');
mkdirSync(join(root, 'test-output'), { recursive: true });

const issuer = await startIssuer();
const tokens = await issuer.mint(1000, 1000);
const dbPath = join(work, 'p.db');
const env = {
  NODE_ENV: 'production',
  OKTA_ISSUER: issuer.issuer,
  OKTA_AUDIENCE: AUDIENCE,
  OKTA_CLIENT_IDS: CLIENT_ID,
  DATABASE_URL: `sqlite:${dbPath}`,
  PORT: '0',
  BENCH_PROFILE_FILE: file,
};
const api = [join(root, process.env.BENCH_ENTRY ?? 'dist/main.js')];
await (await startTarget('migrate', api, { env })).stop();
const db = new Database(dbPath);
const insert = db.prepare('INSERT INTO messages (id, author, text, created_at) VALUES (?, ?, ?, ?)');
db.transaction(() => {
  for (let u = 0; u < 1000; u += 1)
    for (let n = 0; n < 2; n += 1) insert.run(randomUUID(), subject(u), `m${n}`, Date.now() + n);
})();
db.close();
const target = await startTarget(
  'api',
  ['--import', join(root, 'test/bench/lib/profile-preload.mjs'), ...api],
  { env },
);
const opts = { url: target.url, tokens, connections: 50, origin: 'http://localhost:8080' };
await load({ ...opts, seconds: 2 });
process.kill(target.pid, 'SIGWINCH'); // start profiling after the warm-up
await new Promise((resolve) => setTimeout(resolve, 500));
const result = await load({ ...opts, seconds });
console.log(
  `${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, failed ${result.failed}`,
);
process.kill(target.pid, 'SIGWINCH');
await new Promise((resolve) => setTimeout(resolve, 1500));
await target.stop();
await issuer.stop();
rmSync(work, { recursive: true, force: true });

const profile = JSON.parse(readFileSync(file, 'utf8'));
const self = new Map();
const dt = new Map();
profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
let total = 0;
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame;
  const key = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(root, '')}:${lineNumber + 1}`;
  const t = dt.get(node.id) ?? 0;
  total += t;
  self.set(key, (self.get(key) ?? 0) + t);
}
const byPackage = new Map();
for (const node of profile.nodes) {
  const url = node.callFrame.url;
  const pkg =
    /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
    (url.includes('/dist/')
      ? 'app (dist)'
      : url.startsWith('node:')
        ? 'node core'
        : node.callFrame.functionName || '(native)');
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + (dt.get(node.id) ?? 0));
}
const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
console.log('\nself time by package:');
for (const [k, t] of [...byPackage].sort((x, y) => y[1] - x[1]).slice(0, 15)) console.log(`${pct(t)}  ${k}`);
console.log('\ntop functions by self time:');
for (const [k, t] of [...self].sort((x, y) => y[1] - x[1]).slice(0, 30)) console.log(`${pct(t)}  ${k}`);
