#!/usr/bin/env node
// Thin launcher: the only place that exits the process.
import { main } from '../dist/src/cli/main.js';

const code = await main(process.argv.slice(2));
process.exitCode = code;
