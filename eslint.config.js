// ESLint for Hashmark (issue 13): keeps the room boundaries of docs/DESIGN.md as lint rules so nobody has
// to remember them, plus typescript-eslint and the hooks rules (Preact hooks follow React's rules).
//
// Boundaries use ESLint's built-in `no-restricted-imports` with regex patterns per file glob rather than
// eslint-plugin-boundaries or eslint-plugin-import: the rules are "room X never imports room Y", which a
// path pattern says directly, with no resolver to configure for WXT's `@/` alias and no extra plugin.
// The two rules that need the import graph (who calls db write functions; injected functions close over
// nothing) are convention tests in tests/unit/conventions/.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** An import of room `room` (db, services, platform, package…) by alias (`@/`, `~/`, `@@/`, `~~/`) or relative path. */
function roomImport(room) {
  return `^(?:[@~]{1,2}/utils/|(?:\\.\\./)+(?:utils/)?)${room}(?:/.*)?$`;
}

const DB = roomImport('db');
const SERVICES = roomImport('services');
const PLATFORM = roomImport('platform');
// The evidence package room: `utils/package` today, `utils/evidence/package` in the target layout.
const PACKAGE = roomImport('(?:evidence/)?package');

// Pure rooms take data as arguments: they never reach for the database, the services or the browser.
const PURE_ROOMS = [
  'utils/capture/**',
  'utils/evidence/**',
  'utils/package/**',
  'utils/image/**',
  'utils/selectors/**',
  // Recording mode's decisions (issue 16): scope, settling, dedupe; the service feeds them events.
  'utils/recording/**',
];

// Injected into untrusted pages: no database, no services, no package code (size, and what a page could reach).
const CONTENT_SCRIPTS = ['entrypoints/*.content/**', 'entrypoints/*.content.ts', 'entrypoints/*.content.tsx'];

export default defineConfig(
  {
    ignores: [
      'node_modules/',
      '.output/',
      '.wxt/',
      'demo-output/',
      'tmp/',
      // Evidence test pages and TSA material: served and hashed byte for byte.
      'tests/fixtures/',
    ],
  },
  {
    // A disable comment that suppresses nothing is an error (issue 13: three such comments existed).
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // Config files and the CLI launcher are plain JavaScript outside tsconfig: syntax rules only.
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      // Only the two classic hooks rules: the React Compiler rules of plugin v7 assume React's runtime.
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      // `_`-prefixed parameters are kept on purpose (an interface's signature, a callback's position).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Evidence text is sanitised and checked for control characters on purpose (C0 controls in
      // names, CSV cells, custody text): those regular expressions are the point, not a slip.
      'no-control-regex': 'off',
      // Capabilities are passed around as interface methods (CaptureEnv, PopupEnv, props); none
      // of them reads `this`, so handing one on unbound is how they are meant to be used.
      '@typescript-eslint/unbound-method': 'off',
      // Preact event handlers may be async: each one catches and shows its own failure.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
    },
  },
  {
    files: ['tests/**'],
    rules: {
      // Fakes implement async interfaces (CaptureEnv, drivers) without awaiting anything.
      'require-await': 'off',
      '@typescript-eslint/require-await': 'off',
      // `expect(fake.method).toHaveBeenCalled()` passes methods unbound on purpose.
      '@typescript-eslint/unbound-method': 'off',
      // Tests read what a browser or a parsed file gave back (page.evaluate, sw.evaluate,
      // JSON.parse): untyped by nature, and every value read is then asserted by the test itself.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // page.evaluate callbacks reject with whatever the page threw, as the page would.
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
    },
  },
  {
    files: PURE_ROOMS,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `${DB}|${SERVICES}|${PLATFORM}`,
              // Row types from utils/db/schema describe the data these rooms are handed; only runtime imports couple.
              allowTypeImports: true,
              message:
                'Pure rooms (capture, evidence, package, image, selectors) take data as arguments: ' +
                'no db, services or platform imports (docs/DESIGN.md, issue 13).',
            },
          ],
        },
      ],
    },
  },
  {
    files: CONTENT_SCRIPTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `${DB}|${SERVICES}|${PACKAGE}`,
              allowTypeImports: true,
              message: 'Content scripts run in untrusted pages: no db, services or package imports (issue 13).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['components/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            // Types are allowed: a component may name the type of a capability it is handed.
            {
              name: 'wxt/browser',
              message: 'Components get browser capabilities passed in (issue 13).',
              allowTypeImports: true,
            },
            {
              name: 'webextension-polyfill',
              message: 'Components get browser capabilities passed in (issue 13).',
              allowTypeImports: true,
            },
          ],
          patterns: [
            {
              regex: '^@wxt-dev/webextension-polyfill(?:/.*)?$',
              allowTypeImports: true,
              message: 'Components get browser capabilities passed in (issue 13).',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'browser', message: 'Components get browser capabilities passed in (issue 13).' },
        { name: 'chrome', message: 'Components get browser capabilities passed in (issue 13).' },
      ],
    },
  },
);
