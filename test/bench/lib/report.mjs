// The benchmark's figures as text: the results table, the goals, and the block for docs/benchmark.md.
export const median = (values) => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export const fmt = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

/** Medians of one target's rounds. */
export function summarise(name, rounds, memory) {
  return {
    name,
    cpuUs: median(rounds.map((r) => r.cpuUs)),
    rps: median(rounds.map((r) => r.rps)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    requests: rounds.reduce((sum, r) => sum + r.requests, 0),
    failed: rounds.reduce((sum, r) => sum + r.failed, 0),
    ...memory,
  };
}

export function resultsTable(summaries) {
  return [
    '| target | CPU µs/req | req/s | p50 ms | p99 ms | requests | failed | RSS after MB | peak RSS MB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...summaries.map(
      (s) =>
        `| ${s.name} | ${fmt(s.cpuUs)} | ${fmt(s.rps)} | ${s.p50} | ${s.p99} | ${s.requests} | ${s.failed} | ${fmt(s.rssMb)} | ${fmt(s.peakRssMb)} |`,
    ),
    'CPU µs/req: user + system CPU time of the target process (all threads, from /proc) over the round, per request answered.',
  ];
}

/** `goals`: [what, goal, met, measured]. */
export function goalLines(goals) {
  return goals.map(
    ([what, goal, met, measured]) => `${met ? 'PASS' : 'FAIL'}  ${what}: ${measured} (goal ${goal})`,
  );
}

export function markdown({ run, summaries, goals }) {
  return [
    run,
    '',
    '| target | CPU per request | req/s | p99 | failed | RSS after |',
    '|---|---:|---:|---:|---:|---:|',
    ...summaries.map(
      (s) =>
        `| ${s.name} | ${fmt(s.cpuUs)} µs | ${fmt(s.rps)} | ${s.p99} ms | ${s.failed} | ${fmt(s.rssMb)} MB |`,
    ),
    '',
    '| goal | target | measured | |',
    '|---|---|---:|---|',
    ...goals.map(
      ([what, goal, met, measured]) => `| ${what} | ${goal} | ${measured} | ${met ? 'met' : 'missed'} |`,
    ),
  ];
}
