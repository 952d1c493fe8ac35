// Starting, measuring and stopping the benchmark targets, each in its own process.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/**
 * The machine's CPU counters (Linux /proc/stat, all CPUs). `stolenPercent(before, after)` is the
 * share of the time the hypervisor gave this virtual machine's CPUs to someone else: on a shared
 * host it is what makes the same build measure slower in one round than in the next.
 */
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

/** CPU time (user + system) a process has used so far, in ms: less at the mercy of a busy machine than wall time. */
export function cpuMsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100)
  } catch {
    return NaN;
  }
}

/**
 * What a target inherits of this process's environment: nothing that configures the API. A
 * `LOG_LEVEL=warn`, a `TOKEN_CACHE_MAX` or a `NODE_OPTIONS` left in the shell would otherwise change
 * what is measured (or hide the `listening on` line the start waits for).
 */
const INHERITED = ['PATH', 'HOME', 'TMPDIR', 'TZ', 'LANG', 'LC_ALL'];

/**
 * Spawns `node args` with `env` (and only `INHERITED` of this process's environment), waits for the
 * `listening on <url>` line, then until `probe(url)` answers; `coldStartMs` runs from the spawn to
 * that first answered request. A target that does not start is killed before the error is thrown.
 */
export async function startTarget(name, args, { env = {}, probe, timeoutMs = 20000 } = {}) {
  const started = performance.now();
  const inherited = Object.fromEntries(
    INHERITED.filter((key) => process.env[key] !== undefined).map((key) => [key, process.env[key]]),
  );
  const child = spawn(process.execPath, args, {
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    return await waitForTarget(name, child, started, probe, timeoutMs);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

async function waitForTarget(name, child, started, probe, timeoutMs) {
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${output}`)), timeoutMs);
    const onData = (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/[^\s)\x1b]+)[\s)\x1b]/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1].replace(/\/$/, ''));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${output}`));
    });
  });
  // Stop collecting once started (a per-request log would otherwise grow `output` and re-scan it on
  // every chunk, slowing this process, which also drives the load), but keep draining the pipes so
  // the child never blocks on a full one.
  child.stdout.removeAllListeners('data');
  child.stderr.removeAllListeners('data');
  child.stdout.resume();
  child.stderr.resume();
  while (probe && !(await probe(url).catch(() => false))) {
    if (performance.now() - started > timeoutMs) throw new Error(`${name} never answered:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const coldStartMs = performance.now() - started;
  const coldStartCpuMs = cpuMsOf(child.pid);
  return {
    name,
    url,
    pid: child.pid,
    coldStartMs,
    coldStartCpuMs,
    memory: () => memoryOf(child.pid),
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
