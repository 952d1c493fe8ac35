// Target (a), this API, as production runs it: how it is started, configured, and given messages.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIENCE, CLIENT_ID, subject } from './issuer.mjs';

export const ORIGIN = 'http://localhost:8080';

/**
 * `npm run start:prod` as data: the node arguments and any `NAME=value` prefixes of package.json's
 * script (run from the project root), so that (a) starts as production does; `node dist/main.js`
 * when there is no such script.
 */
export function startProd(root) {
  const script = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts?.['start:prod'];
  if (script === undefined) return { script, env: {}, args: ['dist/main.js'] };
  const words = script.trim().split(/\s+/);
  if (words[0] === 'exec') words.shift();
  const env = {};
  while (/^[A-Z_][A-Z0-9_]*=/.test(words[0] ?? '')) {
    const [name, ...value] = words.shift().split('=');
    env[name] = value.join('=');
  }
  if (words.shift() !== 'node') throw new Error(`start:prod is expected to run node: ${script}`);
  return { script, env, args: words };
}

/** The command that runs `npm run start:prod`: the npm running this benchmark, if any. */
export function npmCommand() {
  const cli = process.env.npm_execpath;
  return cli?.endsWith('.js')
    ? { command: process.execPath, args: [cli, 'run', '-s', 'start:prod'] }
    : { command: 'npm', args: ['run', '-s', 'start:prod'] };
}

/**
 * Production settings with every feature on: JSON request logs (to the target's log file), metrics
 * on their own port, rate limits, CORS for `ORIGIN` and security headers.
 */
export function apiEnv({ issuer, dbPath, port, metricsPort }) {
  return {
    NODE_ENV: 'production',
    OKTA_ISSUER: issuer,
    OKTA_AUDIENCE: AUDIENCE,
    OKTA_CLIENT_IDS: CLIENT_ID,
    DATABASE_URL: `sqlite:${dbPath}`,
    HOST: '127.0.0.1',
    PORT: String(port),
    METRICS_HOST: '127.0.0.1',
    METRICS_PORT: String(metricsPort),
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    CORS_ORIGINS: ORIGIN,
    // The cost curve's 10 tokens are 10 callers sending thousands of requests per second each, which
    // the default limit would rightly answer 429. Raised rather than off, so that every request still
    // goes through the limiter and pays for it.
    RATE_LIMIT_PER_CALLER: '100000000',
  };
}

/** Inserts `perUser` messages for each of `users` users straight into a migrated SQLite file. */
export function seed(path, users, perUser) {
  const db = new Database(path);
  const insert = db.prepare('INSERT INTO messages (id, author, text, created_at) VALUES (?, ?, ?, ?)');
  let t = Date.now() - users * perUser;
  db.transaction(() => {
    for (let user = 0; user < users; user += 1) {
      for (let n = 0; n < perUser; n += 1)
        insert.run(randomUUID(), subject(user), `message ${n} of user ${user}`, t++);
    }
  })();
  db.close();
}
