/** Jest runs in native ESM mode (NestJS 12 is ESM-only): see the `test` script's NODE_OPTIONS. */
export default {
  rootDir: '.',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true }],
    // @fastify/static (CommonJS, loaded by Swagger UI) requires content-disposition 3, which is
    // ESM-only: Node 20 itself can require() it, Jest on Node 20 cannot, so Jest converts that one package.
    '/content-disposition/dist/.+\\.js$': [
      'ts-jest',
      {
        useESM: false,
        tsconfig: { allowJs: true, module: 'commonjs', moduleResolution: 'node10', isolatedModules: true },
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@fastify/static/node_modules/)?content-disposition/)'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  testTimeout: 30000,
  globalSetup: '<rootDir>/test/global-setup.mjs',
};
