// Is there a PostgreSQL to run the second half of the suite against? Plain .mjs: jest.config.mjs imports it.
import { connect } from 'node:net';

/** Where tests create (and drop) their databases; a maintenance database of that server. */
export const TEST_POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function postgresAvailable(timeoutMs = 1500) {
  const url = new URL(TEST_POSTGRES_URL);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 5432) });
    const done = (answer) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function postgresSkippedBanner() {
  const line = '!'.repeat(78);
  return [
    '',
    line,
    `!!! POSTGRESQL TESTS SKIPPED: nothing answers at ${new URL(TEST_POSTGRES_URL).host}.`,
    '!!! Only the SQLite half of the suite ran. Start PostgreSQL or set TEST_POSTGRES_URL;',
    '!!! REQUIRE_POSTGRES=1 (set by .ci/run) turns this skip into a failure.',
    line,
    '',
  ].join('\n');
}
