// ESLint (flat config) with typescript-eslint: correctness rules, plus the few style rules
// a formatter cannot decide. Formatting itself is Prettier's (see .prettierrc.json).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // Our TypeScript. (Test fixtures are functions under test, shims run inside sandboxes, bench scripts are plain Node.)
  {
    ignores: [
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
      '**/dist/**',
      'node_modules/**',
      'data/**',
      '.fngraph/**',
      'sdk/typescript/generated/**',
      'console/src/api/graphql.generated.ts',
    ],
  },
  { files: ['**/*.ts', '**/*.tsx'], extends: [js.configs.recommended, ...tseslint.configs.recommended] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // `@/` instead of climbing out of the current folder more than once.
      'no-restricted-imports': ['error', { patterns: [{ group: ['../../*'], message: 'Import through the @/ alias instead of ../../' }] }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'error',
      'prefer-const': 'error',
    },
  },
  {
    // Example functions: what a function prints is its log.
    files: ['examples/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tests: `any` JSON bodies, fixtures reached freely, progress notes on the console.
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-imports': 'off',
    },
  },
);
