// `node test/bench/profile.mjs [seconds]` (after a build): drives this API alone, started as
// `npm run start:prod` starts it, under the benchmark's load and writes a CPU profile
// (test-output/api.cpuprofile) plus its top functions and packages by self time.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORIGIN, apiEnv, seed, startProd } from './lib/api.mjs';
import { startIssuer } from './lib/issuer.mjs';
import { load } from './lib/load.mjs';
import { freePort, startTarget } from './lib/processes.mjs';

const seconds = Number(process.argv[2] ?? 10);
const root = new URL('../../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'messages-profile-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const file = join(root, 'test-output/api.cpuprofile');
mkdirSync(join(root, 'test-output'), { recursive: true });

const issuer = await startIssuer();
const tokens = await issuer.mint(1000, 1000);
const prod = startProd(root);
const dbPath = join(work, 'p.db');
const startApi = async (name, args, probe) => {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const env = { ...apiEnv({ issuer: issuer.issuer, dbPath, port, metricsPort }), ...prod.env };
  const logFile = join(work, `${name}.log`);
  return startTarget(name, {
    args,
    env: { ...env, BENCH_PROFILE_FILE: file },
    port,
    logFile,
    cwd: root,
    probe,
  });
};
const answers = (url) => fetch(`${url}/api/messages`).then(() => true);
await (await startApi('migrations', prod.args, answers)).stop();
seed(dbPath, 1000, 2);
const preload = join(root, 'test/bench/lib/profile-preload.mjs');
const target = await startApi('api', ['--import', preload, ...prod.args], answers);
const opts = { url: target.url, pid: target.pid, tokens, connections: 50, origin: ORIGIN };
await load({ ...opts, seconds: 2 });
process.kill(target.pid, 'SIGWINCH'); // start profiling after the warm-up
await new Promise((resolve) => setTimeout(resolve, 500));
const result = await load({ ...opts, seconds });
console.log(
  `${result.rps.toFixed(0)} req/s, ${result.cpuUs.toFixed(0)} µs CPU/req, p50 ${result.p50} ms, p99 ${result.p99} ms, failed ${result.failed}`,
);
process.kill(target.pid, 'SIGWINCH');
await new Promise((resolve) => setTimeout(resolve, 1500));
await target.stop();
await issuer.stop();

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
