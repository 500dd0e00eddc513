#!/usr/bin/env node
// The installed entry point runs the compiled CLI (npm ci builds it through `prepare`).
import { main } from '../dist/cli/main.js';

main(process.argv).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
