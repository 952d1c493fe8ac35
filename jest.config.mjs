/** Jest runs in native ESM mode (NestJS 12 is ESM-only): see the `test` script's NODE_OPTIONS. */
import { postgresAvailable, postgresSkippedBanner, TEST_POSTGRES_URL } from './test/setup/postgres-probe.mjs';

export const shared = {
  rootDir: '.',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true }],
  },
  testTimeout: 30000,
  globalSetup: '<rootDir>/test/global-setup.mjs',
};

/**
 * Two projects: every e2e spec runs on SQLite and again on PostgreSQL (each app in a fresh database);
 * unit specs run once. Specs under test/postgres/ need PostgreSQL itself and run only there; specs
 * under test/redis/ need Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379) and run only with SQLite.
 * Where no PostgreSQL answers, the PostgreSQL half is skipped loudly, unless REQUIRE_POSTGRES=1 (CI).
 */
export default async function config() {
  const sqlite = {
    ...shared,
    displayName: 'sqlite',
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
    testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/postgres/'],
    setupFiles: ['<rootDir>/test/setup/use-sqlite.mjs'],
  };
  const postgres = {
    ...shared,
    displayName: 'postgres',
    testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
    // Specs under test/redis/ are about Redis, whatever the database: they run once, with SQLite.
    testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/redis/'],
    setupFiles: ['<rootDir>/test/setup/use-postgres.mjs'],
  };
  // testTimeout is read from the top level, not from each project.
  if (await postgresAvailable()) return { testTimeout: shared.testTimeout, projects: [sqlite, postgres] };
  if (process.env.REQUIRE_POSTGRES === '1') {
    throw new Error(`REQUIRE_POSTGRES=1 but no PostgreSQL answers at ${TEST_POSTGRES_URL}`);
  }
  console.warn(postgresSkippedBanner());
  return {
    testTimeout: shared.testTimeout,
    projects: [sqlite],
    reporters: ['default', '<rootDir>/test/setup/postgres-skipped-reporter.mjs'],
  };
}
