// `npm run bench`: the CPU each target spends per request, in one run on one machine, for this API
// (a), Okta's Express sample shape (b) and the framework floor (f, NestJS + Fastify doing nothing
// else). `--quick` (or BENCH_QUICK=1) for a short run; `--no-build` to measure dist/ as it is.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { ORIGIN, apiEnv, npmCommand, seed, startProd } from './lib/api.mjs';
import { checkApiFeatures, checkTarget, requestLogLines } from './lib/checks.mjs';
import { AUDIENCE, CLIENT_ID, startIssuer } from './lib/issuer.mjs';
import { load } from './lib/load.mjs';
import { freePort, startTarget } from './lib/processes.mjs';
import { fmt, goalLines, markdown, median, resultsTable, summarise } from './lib/report.mjs';

const flag = (name, variable) => process.argv.includes(name) || process.env[variable] === '1';
const quick = flag('--quick', 'BENCH_QUICK');
// A shared machine makes the figures noisy, so a missed goal fails the run only when asked;
// a failed request or a target answering wrongly always does.
const strict = flag('--strict', 'BENCH_STRICT');
const settings = quick
  ? {
      rounds: 3,
      seconds: 4,
      warmup: 2,
      curveSeconds: 3,
      maxTokens: 10_000,
      bigMessages: 1_000,
      coldStarts: 3,
    }
  : {
      rounds: 5,
      seconds: 8,
      warmup: 3,
      curveSeconds: 6,
      maxTokens: 100_000,
      bigMessages: 10_000,
      coldStarts: 5,
    };
const DEADLINE_MINUTES = quick ? 8 : 20;
const USERS = 1000;
const CONNECTIONS = 50;
const GOALS = { sampleOverApi: 4, apiOverFloor: 2.0, p99Ms: 25, coldStartMs: 2000, rssMb: 150 };
const KEYS = ['a', 'b', 'f'];

const root = new URL('../../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'messages-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const log = (...lines) => lines.forEach((line) => console.log(line));
const git = (...args) => {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
};
const running = new Set();
let logFiles = 0;

const get = (url, headers = {}) =>
  fetch(`${url}/api/messages`, { headers, signal: AbortSignal.timeout(2000) });
const withToken = (token) => (url) =>
  get(url, { authorization: `Bearer ${token}` }).then((r) => r.status === 200);
// Any answer will do: the first start of (a) on a fresh file only has to get through its migrations.
const answers = (url) => get(url).then(() => true);

/** Starts a target on a free loopback port, its output in a file of its own. */
async function start(name, { command, args, env, probe }) {
  const port = await freePort();
  const logFile = join(work, `${(logFiles += 1)}.log`);
  const target = await startTarget(name, { command, args, env: env(port), port, logFile, cwd: root, probe });
  target.logFile = logFile;
  running.add(target);
  return target;
}

async function stop(target) {
  running.delete(target);
  await target.stop();
}

/** (a) with `command` (node by default) and its metrics on a port of their own. */
async function startApi(name, prod, { issuer, dbPath, probe, command }) {
  const metricsPort = await freePort();
  const env = (port) => ({ ...apiEnv({ issuer, dbPath, port, metricsPort }), ...prod.env });
  const target = await start(name, { args: prod.args, ...command, env, probe });
  target.metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  return target;
}

async function main() {
  const began = Date.now();
  const cpu = `${cpus().length} x ${cpus()[0]?.model?.trim() ?? 'cpu'}`;
  const dirty = git('status', '--porcelain', '--untracked-files=no') ? ' (uncommitted changes)' : '';
  const commit = `${git('rev-parse', '--short', 'HEAD') || 'unknown'}${dirty}`;
  log(
    `# messages API benchmark${quick ? ' (quick mode)' : ''}`,
    `machine: ${cpu}, ${fmt(totalmem() / 2 ** 30, 1)} GiB, node ${process.version}; commit ${commit}`,
    `load: autocannon, ${CONNECTIONS} connections, GET /api/messages, bearer token rotating per request`,
  );
  if (!process.argv.includes('--no-build')) {
    log('building dist/ (npm run build) ...');
    execFileSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
  }

  const issuer = await startIssuer();
  running.add(issuer);
  const tokens = await issuer.mint(USERS, USERS);
  log(`issuer ${issuer.issuer}; ${tokens.length} tokens for ${USERS} users`);

  const prod = startProd(root);
  const started = prod.script ? 'npm run start:prod' : `node ${prod.args.join(' ')}`;
  log(
    `a runs as ${prod.script ? `npm run start:prod does (${prod.script})` : `${started} (no start:prod script)`}`,
  );
  const dbPath = join(work, 'bench.db');
  const api = (probe, path = dbPath) => ({ issuer: issuer.issuer, dbPath: path, probe });
  await stop(await startApi('a (migrations)', prod, api(answers)));
  seed(dbPath, USERS, 2);
  log(`seeded ${USERS * 2} messages (2 per user)`);

  const probe = withToken(tokens[0]);
  const coldStarts = [];
  // Through npm itself, as production starts it: npm's own start-up counts.
  const command = prod.script ? npmCommand() : undefined;
  for (let i = 0; i < settings.coldStarts; i += 1) {
    const quiet = { ...prod, env: { ...prod.env, npm_config_update_notifier: 'false' } };
    const target = await startApi('a (cold start)', quiet, { ...api(probe), command });
    coldStarts.push(target.coldStartMs);
    await stop(target);
  }
  const coldStart = median(coldStarts);
  log(
    `cold start of a, ${started}, spawn to first answered request: ${coldStarts.map((ms) => fmt(ms)).join(', ')} ms`,
  );

  const targets = {
    a: await startApi('a: this API', prod, api(probe)),
    b: await start('b: Okta Express sample', {
      args: ['test/bench/targets/okta-express-sample.mjs'],
      env: (port) => ({
        PORT: `${port}`,
        OKTA_ISSUER: issuer.issuer,
        OKTA_AUDIENCE: AUDIENCE,
        OKTA_CLIENT_ID: CLIENT_ID,
      }),
      probe,
    }),
    f: await start('f: framework floor (NestJS + Fastify)', {
      args: ['test/bench/targets/nest-floor.mjs'],
      env: (port) => ({ PORT: `${port}` }),
      probe,
    }),
  };
  await checkApiFeatures(targets.a, await checkTarget(targets.a, tokens[0], { authenticates: true }));
  await checkTarget(targets.b, tokens[0], { authenticates: true });
  await checkTarget(targets.f, tokens[0], { authenticates: false });
  log(
    `cold start with node directly: ${KEYS.map((key) => `${key} ${fmt(targets[key].coldStartMs)} ms`).join(', ')}`,
  );

  const run = (key, seconds, extra = {}) => {
    const { url, pid } = targets[key];
    return load({ url, pid, tokens, connections: CONNECTIONS, seconds, origin: ORIGIN, ...extra });
  };
  log(`warm-up: ${settings.warmup} s each`);
  for (const key of KEYS) await run(key, settings.warmup);
  const rounds = { a: [], b: [], f: [] };
  for (let round = 0; round < settings.rounds; round += 1) {
    const order = KEYS.map((_, i) => KEYS[(i + round) % KEYS.length]);
    for (const key of order) rounds[key].push(await run(key, settings.seconds));
    const figures = (key) =>
      `${key} ${fmt(rounds[key][round].cpuUs)} µs/req p99 ${rounds[key][round].p99} ms`;
    log(`round ${round + 1}/${settings.rounds}: ${order.map(figures).join(' | ')}`);
  }
  const summary = Object.fromEntries(
    KEYS.map((key) => [key, summarise(targets[key].name, rounds[key], targets[key].memory())]),
  );
  // Ratios per round, then their median: a round the machine was busy in weighs on both sides.
  const sampleOverApi = median(rounds.b.map((r, i) => r.cpuUs / rounds.a[i].cpuUs));
  const apiOverFloor = median(rounds.a.map((r, i) => r.cpuUs / rounds.f[i].cpuUs));
  const steal = median(KEYS.flatMap((key) => rounds[key].map((r) => r.stealPercent)));
  await stop(targets.b);
  await stop(targets.f);
  log(
    '',
    `## Results (medians over ${settings.rounds} rounds of ${settings.seconds} s, ${CONNECTIONS} connections)`,
    ...resultsTable(Object.values(summary)),
    `CPU time the hypervisor gave to other guests during the rounds: ${fmt(steal, 1)}% (median).`,
    `b/a, Okta Express sample's CPU per request over this API's: ${fmt(sampleOverApi, 2)}`,
    `a/f, this API's CPU per request over the framework floor's: ${fmt(apiOverFloor, 2)}`,
  );

  // Cost curve, on the same process after the comparison (so the figures above are not affected).
  log('', `## Cost curve of a (${settings.curveSeconds} s each)`);
  const curve = [];
  const figures = (r) =>
    `${fmt(r.cpuUs)} µs CPU/req, ${fmt(r.rps)} req/s, p99 ${r.p99} ms, failed ${r.failed}`;
  for (const count of [10, 1000, settings.maxTokens]) {
    const set = count <= tokens.length ? tokens.slice(0, count) : await issuer.mint(count, USERS);
    const result = await run('a', settings.curveSeconds, { tokens: set });
    curve.push({ kind: 'tokens', count, ...result });
    log(`${count} distinct tokens: ${figures(result)}`);
  }
  const afterCurve = targets.a.memory();
  log(`a after the curve: RSS ${fmt(afterCurve.rssMb)} MB, peak ${fmt(afterCurve.peakRssMb)} MB`);
  await stop(targets.a);
  const logLines = requestLogLines(targets.a.logFile);
  log(`a wrote ${logLines} JSON request log lines (${summary.a.requests} requests in the rounds alone)`);
  const few = tokens.slice(0, 100);
  for (const perUser of [10, settings.bigMessages]) {
    const path = join(work, `messages-${perUser}.db`);
    await stop(await startApi('a (migrations)', prod, api(answers, path)));
    seed(path, few.length, perUser);
    const target = await startApi(`a (${perUser} per user)`, prod, api(probe, path));
    const { url, pid } = target;
    const args = {
      url,
      pid,
      path: '/api/messages?limit=10',
      tokens: few,
      connections: CONNECTIONS,
      origin: ORIGIN,
    };
    await load({ ...args, seconds: 1 });
    const result = await load({ ...args, seconds: settings.curveSeconds });
    curve.push({ kind: 'messagesPerUser', count: perUser, ...result });
    log(`${perUser} messages per user (${few.length} users, pages of 10): ${figures(result)}`);
    await stop(target);
  }

  const a = summary.a;
  const failed = [...Object.values(summary), ...curve].reduce((sum, r) => sum + r.failed, 0);
  const goals = [
    [
      "Okta sample's CPU per request / this API's",
      `>= ${GOALS.sampleOverApi} (aim 6)`,
      sampleOverApi >= GOALS.sampleOverApi,
      fmt(sampleOverApi, 2),
    ],
    [
      "this API's CPU per request / the framework floor's",
      `<= ${GOALS.apiOverFloor} (aim 1.5)`,
      apiOverFloor <= GOALS.apiOverFloor,
      fmt(apiOverFloor, 2),
    ],
    [
      `p99 latency of (a), ${CONNECTIONS} connections`,
      `< ${GOALS.p99Ms} ms`,
      a.p99 < GOALS.p99Ms,
      `${a.p99} ms`,
    ],
    ['failed requests, all targets and runs', '0', failed === 0, `${failed}`],
    ['RSS of (a) after the rounds', `< ${GOALS.rssMb} MB`, a.rssMb < GOALS.rssMb, `${fmt(a.rssMb)} MB`],
    [
      `cold start, \`${started}\` to first answer (median)`,
      `< ${GOALS.coldStartMs / 1000} s`,
      coldStart < GOALS.coldStartMs,
      `${fmt(coldStart)} ms`,
    ],
  ];
  // A log line lost, like a failed request, means the figures are not those of the real thing.
  const logged = logLines >= a.requests;
  if (!logged)
    console.error(`a wrote fewer request log lines (${logLines}) than it answered (${a.requests})`);
  const date = new Date().toISOString();
  const how = `\`npm run bench${quick ? ' -- --quick' : ''}\`, medians of ${settings.rounds} rounds of ${settings.seconds} s at ${CONNECTIONS} connections`;
  log(
    '',
    '## Goals',
    ...goalLines(goals),
    '',
    '## For docs/benchmark.md',
    '',
    ...markdown({
      run: `${date.slice(0, 10)}, commit ${commit}, ${cpu}, Node ${process.version}; ${how}.`,
      summaries: Object.values(summary),
      goals,
    }),
    '',
    `total ${fmt((Date.now() - began) / 1000)} s`,
  );

  mkdirSync(join(root, 'test-output'), { recursive: true });
  const report = {
    ...{ quick, date, commit, cpu, node: process.version, settings, summary, sampleOverApi, apiOverFloor },
    ...{ steal, coldStarts, curve, afterCurve, logLines },
  };
  writeFileSync(join(root, 'test-output/bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  return failed === 0 && logged && (!strict || goals.every(([, , met]) => met));
}

// Bounded in time whatever happens: leaving ends every target's process group (lib/processes.mjs).
const deadline = setTimeout(() => {
  console.error(`the benchmark did not finish in ${DEADLINE_MINUTES} minutes; stopping it`);
  process.exit(1);
}, DEADLINE_MINUTES * 60_000);

main()
  .then((ok) => {
    process.exitCode = ok ? 0 : 1;
  })
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    clearTimeout(deadline);
    await Promise.all([...running].map((target) => target.stop()));
  });
