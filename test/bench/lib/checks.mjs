// What the benchmark verifies before it trusts a figure: each target answers as it should, and (a)
// runs with every feature on.
import { readFileSync } from 'node:fs';
import { ORIGIN } from './api.mjs';

/** Every target answers the two messages; the authenticating ones refuse a tampered token and none. */
export async function checkTarget(target, token, { authenticates }) {
  const ok = await fetch(`${target.url}/api/messages`, {
    headers: { authorization: `Bearer ${token}`, origin: ORIGIN },
  });
  const body = await ok.json();
  if (ok.status !== 200 || body.messages?.length !== 2)
    throw new Error(
      `${target.name}: expected 200 with two messages, got ${ok.status} ${JSON.stringify(body)}`,
    );
  if (!authenticates) return ok;
  const tampered = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
  const bad = await fetch(`${target.url}/api/messages`, { headers: { authorization: `Bearer ${tampered}` } });
  if (bad.status !== 401) throw new Error(`${target.name}: a tampered token got ${bad.status}, expected 401`);
  const none = await fetch(`${target.url}/api/messages`);
  if (none.status !== 401) throw new Error(`${target.name}: no token got ${none.status}, expected 401`);
  return ok;
}

/** (a) is measured with CORS, security headers and metrics on: a run without them would flatter it. */
export async function checkApiFeatures(target, response) {
  const missing = [
    ['access-control-allow-origin', ORIGIN],
    ['x-content-type-options', 'nosniff'],
    ['content-security-policy', undefined],
  ].filter(([name, value]) => !response.headers.has(name) || (value && response.headers.get(name) !== value));
  if (missing.length > 0)
    throw new Error(`${target.name}: its answer lacks ${missing.map(([name]) => name).join(', ')}`);
  const scrape = await fetch(target.metricsUrl).catch(() => undefined);
  const text = scrape?.status === 200 ? await scrape.text() : '';
  if (!text.includes('/api/messages'))
    throw new Error(`${target.name}: ${target.metricsUrl} does not count GET /api/messages`);
}

/** JSON request log lines for /api/messages in a stopped target's output (so nothing is left unflushed). */
export function requestLogLines(file) {
  let count = 0;
  for (const line of readFileSync(file, 'utf8').split('\n'))
    if (line.startsWith('{') && line.includes('/api/messages')) count += 1;
  return count;
}
