// One load run with autocannon: GET `path` with the bearer token rotating over `tokens`.
import autocannon from 'autocannon';
import { machineCpu, stolenPercent } from './processes.mjs';

export async function load({ url, path = '/api/messages', tokens, connections, seconds, origin }) {
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
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [request],
    timeout: 10,
  });
  const stealPercent = stolenPercent(before, machineCpu());
  const failed = result.errors + result.timeouts + result.non2xx;
  return {
    requests: result.requests.total,
    rps: result.requests.total / (result.duration || seconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    failed,
    non2xx: result.non2xx,
    // The share of the machine's CPU the hypervisor gave to other guests during the run.
    stealPercent,
  };
}
