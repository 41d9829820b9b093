'use strict';
// agentctl's mocha launcher: `node mocha-launch.cjs [files...]`, report path in AGENTCTL_REPORT_FILE.
// mocha runs the tests in its own process, so its argv and environment are theirs: this runs the project's
// mocha as `mocha <files>` would, with agentctl's reporter given through mocha's API rather than as a
// `--reporter` flag, and the report path taken out of process.env before any test file loads.
/* global require, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports */
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');

const files = process.argv.slice(2);
const reporter = join(__dirname, 'mocha-reporter.cjs');
const fromProject = createRequire(join(process.cwd(), 'package.json'));

function resolveMocha() {
  try {
    const dir = dirname(fromProject.resolve('mocha/package.json'));
    return { dir, bin: join(dir, 'bin', 'mocha.js'), cli: join(dir, 'lib', 'cli', 'cli.js') };
  } catch {
    return undefined;
  }
}

/** mocha's options for `files` with agentctl's reporter, or undefined when mocha would restart node for them. */
function inProcessOptions(mocha) {
  try {
    const { loadOptions } = require(join(mocha.dir, 'lib', 'cli', 'options.js'));
    const { isNodeFlag } = require(join(mocha.dir, 'lib', 'cli', 'node-flags.js'));
    const opts = loadOptions([...files, '--reporter', reporter]);
    const restarts =
      opts['node-option'] !== undefined ||
      Object.keys(opts).some((key) => isNodeFlag(key)) ||
      (opts._ ?? []).includes('inspect');
    return restarts ? undefined : opts;
  } catch {
    return undefined;
  }
}

const mocha = resolveMocha();
if (mocha === undefined) {
  // Said at once, before anything could try to fetch mocha from a registry.
  process.stderr.write('agentctl: mocha is not installed here: run npm install\n');
  process.exit(127);
}
const opts = inProcessOptions(mocha);
if (opts === undefined) {
  // Node flags in the mocha config make mocha start a second node process, which gets its options as flags.
  process.argv = [process.argv[0], mocha.bin, ...files, '--reporter', reporter];
  require(mocha.bin);
} else {
  // The reporter module keeps the report path when it loads; the tests then never see it.
  require(reporter);
  delete process.env.AGENTCTL_REPORT_FILE;
  process.argv = [process.argv[0], mocha.bin, ...files];
  require(mocha.cli).main([], opts);
}
