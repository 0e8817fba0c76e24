#!/usr/bin/env node
// The `makemore` command. The CLI is TypeScript run without a build step: this shim registers tsx's ESM loader
// (tsx is a runtime dependency for this reason), then runs src/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
