#!/usr/bin/env node
// Thin launcher: the only place that exits the process.
import { main } from '../dist/src/cli/main.js';

// A reader that stops early (`agentctl --help | head`) closes the pipe: drop the rest of the output quietly
// rather than crash, and let the command itself finish (a run keeps going and stays resumable).
process.stdout.on('error', (err) => {
  if (err.code !== 'EPIPE') throw err;
  process.stdout.write = () => true;
});

const code = await main(process.argv.slice(2));
process.exitCode = code;
