// ESLint (flat config): typescript-eslint's recommended rules on the kit's TypeScript.
// Layering (which folder may import which) is checked by dependency-cruiser (.dependency-cruiser.cjs);
// formatting by Prettier (.prettierrc.json). All three run in `npm test` (npm run lint).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-output/', 'slides/dist/', 'exercises/', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      // Unused arguments are named with a leading underscore (a callback's position matters).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A variable a callback reads before its one assignment stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // The kit reads terminal output (ANSI escapes) and writes XML (control characters removed): on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // CommonJS files: the package root, mocha's reporter.
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Plain JavaScript run by Node (baselines, fixtures): Node's globals.
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
  },
);
