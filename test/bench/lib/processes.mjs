// Starting, measuring and stopping the benchmark targets, each in its own process group on loopback.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';

/** Resident and peak resident memory of a process, in MB (Linux /proc). */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
  } catch {
    return { rssMb: NaN, peakRssMb: NaN };
  }
}

/** CPU time (user + system, all threads) a process has used so far, in ms. */
export function cpuMsOf(pid) {
  try {
    // The command name (field 2) may hold spaces: count the fields after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100)
  } catch {
    return NaN;
  }
}

/** The machine's CPU counters (/proc/stat), for the share the hypervisor gave to other guests. */
export function machineCpu() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { steal: fields[7] ?? 0, total: fields.reduce((sum, value) => sum + value, 0) };
  } catch {
    return { steal: NaN, total: NaN };
  }
}

export function stolenPercent(before, after) {
  return (100 * (after.steal - before.steal)) / (after.total - before.total);
}

/** A loopback port free right now, so that a target's URL never depends on what it prints. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * What a target inherits of this process's environment: nothing that configures it. A
 * `LOG_LEVEL=warn`, a `TOKEN_CACHE_MAX` or a `NODE_OPTIONS` left in the shell would otherwise change
 * what is measured.
 */
const INHERITED = ['PATH', 'HOME', 'TMPDIR', 'TZ', 'LANG', 'LC_ALL'];
const groups = new Set();

// A target runs in its own process group (so `npm run` and the node it starts go together); if
// this process ends any other way than through `stop()`, the groups still go with it.
process.on('exit', () => {
  for (const pid of groups) killGroup(pid, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, () => process.exit(1));

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Spawns `command args` with `env` (plus only `INHERITED` of this process's environment), its
 * output going to `logFile`, then waits until `probe(url)` answers on `http://127.0.0.1:{port}`;
 * `coldStartMs` runs from the spawn to that first answered request. A target that exits or does
 * not answer in `timeoutMs` is killed and the error carries the end of its output.
 */
export async function startTarget(
  name,
  { command = process.execPath, args, env, port, logFile, cwd, probe },
) {
  const timeoutMs = 20_000;
  const inherited = Object.fromEntries(
    INHERITED.filter((key) => process.env[key] !== undefined).map((key) => [key, process.env[key]]),
  );
  const out = openSync(logFile, 'a');
  const started = performance.now();
  const child = spawn(command, args, {
    cwd,
    env: { ...inherited, ...env },
    stdio: ['ignore', out, out],
    detached: true,
  });
  closeSync(out);
  groups.add(child.pid);
  let exited = false;
  child.once('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise((resolve) => {
      const done = () => {
        killGroup(child.pid, 'SIGKILL'); // whatever the leader (npm, say) left behind
        groups.delete(child.pid);
        resolve();
      };
      if (exited) return done();
      child.once('exit', done);
      killGroup(child.pid, 'SIGTERM');
      setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5000).unref();
    });
  const tail = () => readFileSync(logFile, 'utf8').slice(-4000);
  while (!(await probe(url).catch(() => false))) {
    const waited = performance.now() - started;
    if (exited || waited > timeoutMs) {
      const why = exited
        ? `exited (${child.exitCode ?? child.signalCode})`
        : `did not answer in ${timeoutMs} ms`;
      await stop();
      throw new Error(`${name} ${why}:\n${tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return {
    name,
    url,
    pid: child.pid,
    coldStartMs: performance.now() - started,
    memory: () => memoryOf(child.pid),
    stop,
  };
}
