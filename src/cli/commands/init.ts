import { access, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../../errors.js';
import { repoRoot } from '../../git/repo.js';
import { CONFIG_FILE } from '../../policy/config.js';
import type { ConfigInput, Runner } from '../../policy/config-schema.js';
import type { CliIO } from '../io.js';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** Guesses the test runner from package.json and Python test files; null when nothing is recognisable. */
export async function detectRunner(
  root: string,
): Promise<{ runner: Runner; command?: string[]; junitReport?: string; why: string } | null> {
  const pkgText = await readFile(join(root, 'package.json'), 'utf8').catch(() => null);
  if (pkgText !== null) {
    let pkg: {
      scripts?: Record<string, string>;
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    } = {};
    try {
      pkg = JSON.parse(pkgText) as typeof pkg;
    } catch {
      throw new ConfigError(
        'package.json is not valid JSON, so the test runner cannot be detected.',
        'Fix package.json, then run agentctl init again.',
      );
    }
    const deps = { ...pkg.dependencies, ...pkg.devDependencies };
    const script = pkg.scripts?.test ?? '';
    const order: Array<[Runner, RegExp]> = [
      ['vitest', /\bvitest\b/],
      ['jest', /\bjest\b/],
      ['mocha', /\bmocha\b/],
      ['ava', /\bava\b/],
    ];
    for (const [runner, re] of order)
      if (re.test(script)) return { runner, why: `package.json "test" script runs ${runner}` };
    for (const [runner] of order)
      if (deps[runner] !== undefined) return { runner, why: `${runner} is in package.json dependencies` };
    if (/node\s+(--[\w-]+\s+)*--test\b/.test(script))
      return { runner: 'node', why: 'package.json "test" script runs node --test' };
  }
  const top = await readdir(root).catch(() => [] as string[]);
  const pyTests =
    top.includes('pytest.ini') ||
    top.includes('conftest.py') ||
    (top.includes('tests') &&
      (await readdir(join(root, 'tests')).catch(() => [] as string[])).some((f) => /^test_.*\.py$/.test(f)));
  if (pyTests || top.some((f) => /^test_.*\.py$/.test(f))) {
    return {
      runner: 'junit',
      command: ['python3', '-m', 'pytest', '-q'],
      junitReport: '.agentctl-junit.xml',
      why: 'pytest-style test files',
    };
  }
  if (pkgText !== null)
    return { runner: 'node', why: 'a Node.js project without a recognised runner; node:test is built in' };
  return null;
}

/** `agentctl init`: writes agentctl.config.json for the detected runner. */
export async function initCommand(
  opts: { force?: boolean; runner?: string; json?: boolean },
  io: CliIO,
): Promise<number> {
  const root = await repoRoot(io.cwd);
  const file = join(root, CONFIG_FILE);
  if (!opts.force && (await exists(file))) {
    throw new ConfigError(`${CONFIG_FILE} already exists in ${root}.`, 'Pass --force to overwrite it.');
  }
  const detected =
    opts.runner !== undefined ? { runner: opts.runner as Runner, why: '--runner' } : await detectRunner(root);
  if (detected === null) {
    throw new ConfigError(
      `Cannot tell which test runner ${root} uses.`,
      'Pass --runner vitest|jest|node|mocha|ava|junit, or add a "test" script to package.json.',
    );
  }
  const config: ConfigInput = {
    test: {
      runner: detected.runner,
      ...('command' in detected && detected.command ? { command: detected.command } : {}),
      ...('junitReport' in detected && detected.junitReport ? { junitReport: detected.junitReport } : {}),
    },
    repair: { maxAttempts: 3 },
    sandbox: { mode: 'auto' },
    approval: { mode: 'prompt' },
  };
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
  if (opts.json)
    io.stdout.write(
      `${JSON.stringify({ type: 'init', file, runner: detected.runner, why: detected.why })}\n`,
    );
  else
    io.stdout.write(
      `Wrote ${CONFIG_FILE}: runner "${detected.runner}" (${detected.why}).\nEdit it to set write allow/deny globs, budgets and the model.\n`,
    );
  return 0;
}
