// ESLint flat config. The layering rule below is the one that matters most: the engine
// (everything under main/ except main/shell/) must run under plain Node, so it may not
// import electron. test/lint-rule.test.ts proves the rule fires.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export const ENGINE_ELECTRON_BAN = {
  paths: [
    { name: 'electron', message: 'The engine runs under plain Node: only main/shell/ may import electron. Put this behind a port.' },
    { name: 'electron/main', message: 'Only main/shell/ may import electron.' },
    { name: 'electron/common', message: 'Only main/shell/ may import electron.' },
    { name: 'electron/renderer', message: 'Only main/shell/ may import electron.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'release/**', 'test/fixtures/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly',
        clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly',
        URL: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly',
        queueMicrotask: 'readonly', structuredClone: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-exports': ['error', { restrictDefaultExports: { direct: true, named: true, defaultFrom: true, namedFrom: true, namespaceFrom: true } }],
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/shell/**'],
    rules: {
      'no-restricted-imports': ['error', ENGINE_ELECTRON_BAN],
      '@typescript-eslint/no-require-imports': 'error',
    },
  },
  {
    files: ['eslint.config.js'],
    rules: { 'no-restricted-exports': 'off' },
  },
);
