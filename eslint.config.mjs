// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Only the front door of the framework and the database layer: their internals change without notice. */
const INTERNALS = [
  { group: ['@nestjs/*/internal', '@nestjs/*/internal/**'], message: 'Nest marks these "do not depend on".' },
  { group: ['@nestjs/*/*', '@nestjs/*/**'], message: 'Import from the package root, not a deep path.' },
  { group: ['typeorm/*', 'pg/*', 'better-sqlite3/*'], message: 'No database driver internals.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'test-output/**', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.jest },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: INTERNALS,
        },
      ],
    },
  },
  {
    // Development-only packages: a production install (`npm ci --omit=dev`) has neither.
    files: ['src/**/*.ts'],
    ignores: ['src/dev-issuer/**', 'src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'oauth2-mock-server',
              message: 'Development only: import it from src/dev-issuer, loaded on demand.',
            },
          ],
          patterns: INTERNALS,
        },
      ],
    },
  },
  {
    // The demo page's modules run in the browser.
    files: ['src/web/public/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
);
