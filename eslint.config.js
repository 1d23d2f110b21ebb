import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'build/',
      'public/build/',
      '.cache/',
      'data/',
      'test-results/',
      'playwright-report/',
      'bench/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@remix-run/react',
              importNames: ['Link'],
              message:
                "Use Link from '~/components/ui/link': the same link at a third of the render cost (decision 025).",
            },
          ],
        },
      ],
    },
  },
  {
    // Migrations are frozen in time and take Kysely<any> by design.
    files: ['db/migrations/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', module: 'readonly', require: 'readonly', console: 'readonly' } },
  },
);
