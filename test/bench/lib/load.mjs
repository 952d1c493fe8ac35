// One load run with autocannon: GET `path` with the bearer token rotating over `tokens`, and the CPU
// time the target process (`pid`) used meanwhile, per request answered.
import autocannon from 'autocannon';
import { cpuMsOf, machineCpu, stolenPercent } from './processes.mjs';

export async function load({ url, path = '/api/messages', tokens, connections, seconds, origin, pid }) {
  let next = 0;
  const request = {
    method: 'GET',
    path,
    setupRequest: (req) => {
      req.headers = { origin, authorization: `Bearer ${tokens[next++ % tokens.length]}` };
      return req;
    },
  };
  const machineBefore = machineCpu();
  const cpuBefore = cpuMsOf(pid);
  const result = await autocannon({ url, connections, duration: seconds, requests: [request], timeout: 10 });
  const cpuMs = cpuMsOf(pid) - cpuBefore;
  const answered = result.requests.total;
  return {
    requests: answered,
    rps: answered / (result.duration || seconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.errors + result.timeouts + result.non2xx,
    // What the target's code costs: CPU time per request, in µs, whatever the load generator manages.
    cpuUs: (cpuMs * 1000) / answered,
    // The share of the machine's CPU time the hypervisor gave to other guests during the run.
    stealPercent: stolenPercent(machineBefore, machineCpu()),
  };
}
