import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** src/eval (loopback APIs, sabotage) may import the runtime; the runtime's layers may not import it. */
const EVAL_BOUNDARY = {
  regex: '(^|/)(src/)?eval(/|$)',
  message: 'src/eval holds test and eval helpers; the runtime layers must not import it (see docs/eval.md).',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'fixtures/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    // The type-aware rules: unbound methods, `any` flowing out of JSON, needless assertions.
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // A `default` does not count as handling a union's members: adding a member must show every switch.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: false },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'node:*',
                'fs',
                'child_process',
                'ink',
                'execa',
                'simple-git',
                '@anthropic-ai/sdk',
                'react',
              ],
              message: 'src/core is pure: no side-effecting imports.',
            },
            EVAL_BOUNDARY,
          ],
        },
      ],
    },
  },
  {
    // The eval's loopback servers and sabotage are for tests and `agentctl eval`, never the runtime's effect path.
    files: [
      'src/runtime/**/*.ts',
      'src/model/**/*.ts',
      'src/journal/**/*.ts',
      'gates/**/*.ts',
      'sandbox/**/*.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: [EVAL_BOUNDARY] }] },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setImmediate: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
);
