import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { detectProject } from '../../../gates/runners/detect.js';
import { readLayout } from '../../../gates/runners/index.js';
import { diskView } from '../../../gates/runners/repo-view.js';
import { ConfigError } from '../../errors.js';
import { repoRoot } from '../../git/repo.js';
import { CONFIG_FILE } from '../../policy/config.js';
import { Config, Runner, RUNNERS, type ConfigInput } from '../../policy/config-schema.js';
import type { CliIO } from '../io.js';
import { sandboxDiffLines } from './init-sandbox-diff.js';
import { proveSuite, type SuiteProof } from './init-verify.js';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

const MODEL_HOWTO = [
  'Set a model with --model, or "model" in agentctl.config.json:',
  '  agentctl fix "<task>" --model anthropic:<model-name>          (ANTHROPIC_API_KEY)',
  '  agentctl fix "<task>" --model openai:<model-name>             (OPENAI_API_KEY)',
  '  agentctl fix "<task>" --model ollama:<model-name>             (a local Ollama, no key)',
  '  agentctl fix "<task>" --model openai-compatible:<model-name>  (llama.cpp, vLLM or a gateway at "modelOptions": { "baseUrl": "..." })',
  '--model scripted:<cassette.json> replays a recorded model to try agentctl without an API key. See docs/models.md.',
].join('\n');

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** What init configures: the `test` section, a name for it, and why. */
interface Choice {
  test: NonNullable<ConfigInput['test']>;
  label: string;
  why: string;
}

/** The runner(s) to configure: --runner, or detection per the runner profiles (workspaces included). */
async function chooseRunner(root: string, requested: string | undefined): Promise<Choice> {
  if (requested !== undefined) {
    const parsed = Runner.safeParse(requested);
    if (!parsed.success)
      throw new ConfigError(`Unknown runner "${requested}".`, `Pass --runner ${RUNNERS.join('|')}.`);
    return { test: { runner: parsed.data }, label: parsed.data, why: '--runner' };
  }
  const found = await detectProject(await diskView(root));
  switch (found.kind) {
    case 'single':
      return {
        test: { runner: found.detected.runner },
        label: found.detected.runner,
        why: found.detected.why,
      };
    case 'packages':
      return {
        test: { packages: found.packages.map((p) => ({ dir: p.dir, runner: p.runner })) },
        label: 'one runner per workspace package',
        why: [
          ...found.packages.map((p) => `${p.dir} ${p.runner} (${p.why})`),
          ...(found.untested.length > 0 ? [`no tests in ${found.untested.join(', ')}`] : []),
        ].join('; '),
      };
    case 'unsupported':
      throw new ConfigError(
        `${found.problem}\nThe workspace packages:\n${found.packages.map((p) => `  ${p.dir}: ${p.runner} (${p.why})`).join('\n')}`,
        found.fix,
      );
    case 'none':
      throw new ConfigError(
        `Cannot tell which test runner ${root} uses.`,
        `Pass --runner ${RUNNERS.join('|')}, or add a "test" script to package.json (or a pytest configuration).`,
      );
  }
}

function proofLines(proof: SuiteProof): string {
  const seconds = (proof.durationMs / 1000).toFixed(1);
  const where = proof.sandboxed ? 'in the sandbox' : 'WITHOUT a sandbox (bubblewrap is not available)';
  const lines = [
    `Verified: ran \`${proof.command.join(' ')}\` at ${proof.commit.slice(0, 12)} ${where} in ${seconds} s: ${plural(proof.collected, 'test')} collected, ${proof.passed} passing, ${proof.failed} failing${proof.skipped > 0 ? `, ${proof.skipped} skipped or todo` : ''}.`,
  ];
  if (proof.failed > 0 || proof.loadErrors.length > 0) {
    const shown = [...proof.failing.slice(0, 5), ...proof.loadErrors.slice(0, 3)];
    lines.push(
      `Failing before any change (the gates hold these aside: no run is asked to fix them or charged for them):`,
      ...shown.map((s) => `  ${s}`),
      ...(proof.failing.length > 5 ? [`  … and ${proof.failing.length - 5} more`] : []),
    );
  }
  lines.push(...sandboxDiffLines(proof.sandboxOnly));
  return lines.join('\n');
}

/** `agentctl init`: detects the runner, proves the suite runs (unless --no-verify), writes agentctl.config.json. */
export async function initCommand(
  opts: { force?: boolean; runner?: string; json?: boolean; verify?: boolean },
  io: CliIO,
): Promise<number> {
  const root = await repoRoot(io.cwd);
  const file = join(root, CONFIG_FILE);
  if (!opts.force && (await exists(file))) {
    throw new ConfigError(`${CONFIG_FILE} already exists in ${root}.`, 'Pass --force to overwrite it.');
  }
  const detected = await chooseRunner(root, opts.runner);
  if (detected.test.runner === 'junit')
    throw new ConfigError(
      'Runner "junit" needs a command that writes JUnit XML, which init cannot guess.',
      'Write agentctl.config.json by hand with test.runner "junit", test.command and test.junitReport.',
    );
  const input: ConfigInput = {
    test: detected.test,
    // Written out although it is the default: whether existing tests may change is a policy a reader should see.
    tests: { allowChangedExpectations: true },
    repair: { maxAttempts: 3 },
    sandbox: { mode: 'auto' },
    approval: { mode: 'prompt' },
  };
  const config = Config.parse(input);
  const layout = await readLayout(config.test, await diskView(root));
  const say = (text: string) => {
    if (!opts.json) io.stdout.write(`${text}\n`);
  };
  say(`Detected ${detected.label}: ${detected.why}.`);
  const globs = layout.tests.length > 4 ? [...layout.tests.slice(0, 4), '…'] : layout.tests;
  say(`Test files: ${globs.join(', ')} (${layout.source}).`);
  let proof: SuiteProof | null = null;
  if (opts.verify !== false) {
    io.stderr.write(`Running the whole suite once, as a gated run would, to check that it works…\n`);
    proof = await proveSuite(root, config, (ms) =>
      io.stderr.write(`  … still running (${Math.round(ms / 1000)} s)\n`),
    );
    if (proof.collected === 0) {
      const why = [
        `The suite collected no tests: \`${proof.command.join(' ')}\` (runner ${detected.label}) ran at ${proof.commit.slice(0, 12)} and reported none, so agentctl could never see a test fail or pass.`,
        ...(proof.loadErrors.length > 0 ? ['Errors:', ...proof.loadErrors.map((e) => `  ${e}`)] : []),
        "The end of the runner's output:",
        ...proof.outputTail
          .trimEnd()
          .split('\n')
          .slice(-20)
          .map((l) => `  | ${l}`),
        `${CONFIG_FILE} was not written. Fix the test setup (is the runner installed? do the test files match ${layout.source}?), or pass --runner to choose another runner; --no-verify writes the config without this check.`,
      ].join('\n');
      if (opts.json)
        io.stdout.write(
          `${JSON.stringify({ type: 'init', ok: false, ...detected.test, why: detected.why, proof, message: why })}\n`,
        );
      else io.stderr.write(`${why}\n`);
      return 2;
    }
  }
  await writeFile(file, `${JSON.stringify(input, null, 2)}\n`);
  if (opts.json) {
    io.stdout.write(
      `${JSON.stringify({ type: 'init', ok: true, file, ...detected.test, why: detected.why, tests: layout.tests, testsSource: layout.source, verified: proof })}\n`,
    );
    return 0;
  }
  say(proof === null ? 'Not verified (--no-verify): the suite was not run.' : proofLines(proof));
  say(`Wrote ${CONFIG_FILE}. Edit it to set write allow/deny globs and budgets.`);
  say(MODEL_HOWTO);
  return 0;
}
