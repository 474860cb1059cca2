// knip (issue 13): unused files, exports and dependencies. Its WXT plugin finds the extension's
// entrypoints (and the modules wxt.config.ts names), its Vitest plugin the tests and globalSetup, and
// package.json's `bin` the CLI (cli/hashmark.mjs imports ./main.ts through tsx). The rest is listed here.
/** @type {import('knip').KnipConfig} */
export default {
  entry: [
    // Run by hand or by npm scripts (demo, bench) through `node --import tsx`, never imported.
    'scripts/*.ts',
    // The browser-test harnesses, fixture and TSA servers that Vitest's globalSetup and e2e files load.
    'tests/support/*.ts',
    // Spawned as a child process by bomb.test.ts (peak memory is measured in it), never imported.
    'tests/unit/package/verify/verify-child.ts',
  ],
  project: ['**/*.{ts,tsx,js,mjs}'],
  ignore: [
    // Source that injected-functions.test.ts parses as text (the executeScript shapes it must follow).
    'tests/unit/conventions/*.fixture.ts',
    // Pages and their scripts served to the browser by the fixture server, never imported.
    'tests/fixtures/**',
  ],
  // Read as a file (axe.min.js, injected into the extension pages by accessibility.test.ts), never imported.
  ignoreDependencies: ['axe-core'],
  ignoreBinaries: [
    // System tools the bench (one build at a time) and the signing test (interop with OpenSSL) spawn.
    // knip 6.44 still prints a "Remove from ignoreBinaries" hint for these; without them it reports
    // both as unlisted binaries, so the hint is wrong.
    'flock',
    'openssl',
  ],
};
