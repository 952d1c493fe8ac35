// One load run with autocannon: GET `path` with the bearer token rotating over `tokens`. Given the
// target's `pid`, it also measures the CPU the target used; it always measures what autocannon (this
// process) used: a load generator at 100% of a core bounds what any target can show.
import autocannon from 'autocannon';
import { cpuMsOf, machineCpu, stolenPercent } from './processes.mjs';

export async function load({ url, path = '/api/messages', tokens, connections, seconds, origin, pid }) {
  let next = 0;
  const base = origin ? { origin } : {};
  const request = {
    method: 'GET',
    path,
    setupRequest: (req) => {
      const token = tokens === undefined ? undefined : tokens[next++ % tokens.length];
      req.headers = token === undefined ? base : { ...base, authorization: `Bearer ${token}` };
      return req;
    },
  };
  const before = machineCpu();
  const generatorBefore = process.cpuUsage();
  const targetBefore = pid === undefined ? NaN : cpuMsOf(pid);
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [request],
    timeout: 10,
  });
  const stealPercent = stolenPercent(before, machineCpu());
  const generator = process.cpuUsage(generatorBefore);
  const targetMs = pid === undefined ? NaN : cpuMsOf(pid) - targetBefore;
  const runSeconds = result.duration || seconds;
  const wallMs = runSeconds * 1000;
  const failed = result.errors + result.timeouts + result.non2xx;
  return {
    requests: result.requests.total,
    rps: result.requests.total / runSeconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    failed,
    non2xx: result.non2xx,
    // The share of the machine's CPU the hypervisor gave to other guests during the run.
    stealPercent,
    // CPU time as a share of one core over the run (100 = one core busy throughout).
    generatorCpuPercent: ((generator.user + generator.system) / 1000 / wallMs) * 100,
    targetCpuPercent: (targetMs / wallMs) * 100,
    // The target's CPU time per request, in µs: what its code costs, less at the mercy of the machine.
    targetCpuUs: (targetMs * 1000) / result.requests.total,
  };
}
