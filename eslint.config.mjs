import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'packages/web/public/build/**',
      'migrations/**',
      '.data/**',
      'test-results/**',
      'bench/results/**',
      '**/dist/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Config is read once in @seafarer/config; nothing else reads the environment.
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read settings through @seafarer/config' },
      ],
    },
  },
  {
    files: ['packages/config/src/**', 'test/**', 'jest.config.js', 'packages/db/drizzle.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['packages/web/public/**/*.js'],
    languageOptions: { globals: globals.browser, sourceType: 'module' },
  },
  {
    files: ['jest.config.js', 'infra/**/*.js'],
    languageOptions: { globals: globals.node },
  },
);
