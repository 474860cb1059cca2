#!/usr/bin/env node
// Launcher: runs the TypeScript CLI through tsx so the CLI shares utils/ with the extension
// without a separate build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
