import { postgresSkippedBanner } from './postgres-probe.mjs';

/** Repeats the skip warning after the summary, where it cannot scroll out of sight. */
export default class PostgresSkippedReporter {
  onRunComplete() {
    console.warn(postgresSkippedBanner());
  }
}
