#!/usr/bin/env node
// The installed entry point runs the compiled CLI (npm ci builds it through `prepare`).
import { main } from '../dist/cli/main.js';

main(process.argv).catch((error) => {
  // Settings and input errors are reported by main(); what reaches here is unexpected, and its
  // causes are often the only clue (the driver's own message behind a wrapped failure).
  const lines = [];
  for (let current = error; current !== undefined && lines.length < 5; current = current?.cause) {
    const message = current instanceof Error ? current.message : String(current);
    if (!lines.some((line) => line.includes(message))) lines.push(message);
  }
  console.error(`roster: ${lines.join('\ncaused by: ')}`);
  process.exit(1);
});
