#!/usr/bin/env node
// npm run bench: speed and memory goals, measured (never asserted in tests). Writes bench/results/latest.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { measurePromptCache } from './prompt-cache.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = (p) => import(join(root, 'dist', p));
const bin = join(root, 'bin', 'agentctl.js');
const rows = [];
/** Longer results, each a Markdown section after the table. */
const sections = [];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1)} ms`;
const row = (name, value, baseline, note) => {
  rows.push({
    name,
    value,
    baseline,
    ratio: baseline ? `${(parseFloat(value) / parseFloat(baseline)).toFixed(2)}×` : '',
    note,
  });
  console.error(`  ${name}: ${value}${baseline ? ` (baseline ${baseline})` : ''}`);
};

function timeCommand(cmd, args, runs, opts = {}) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { stdio: 'ignore', ...opts });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
    times.push(performance.now() - t);
  }
  return median(times);
}

function git(cwd, ...args) {
  return execFileSync('git', args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
      GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
    },
  }).toString();
}

async function genRepo(name, files) {
  const dir = await mkdtemp(join(tmpdir(), `agentctl-bench-${name}-`));
  git(dir, 'init', '-q');
  git(dir, 'config', 'user.name', 'bench');
  git(dir, 'config', 'user.email', 'bench@agentctl.invalid');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'bench');
  return dir;
}

async function cliStart() {
  console.error('CLI cold start');
  const bare = timeCommand('node', ['-e', '0'], 15);
  row(
    '`agentctl --version`',
    ms(timeCommand('node', [bin, '--version'], 15)),
    ms(bare),
    'baseline: `node -e 0`',
  );
  row('`agentctl --help`', ms(timeCommand('node', [bin, '--help'], 15)), ms(bare), 'baseline: `node -e 0`');
}

async function gatedCycle() {
  console.error('gated cycle');
  const { materializeFixture } = await dist('src/cli/commands/demo.js');
  const { startFix } = await dist('src/runtime/session.js');
  const { resolveModel } = await dist('src/model/resolve.js');
  const { policyApprover } = await dist('src/policy/approval.js');
  const { readJournal } = await dist('src/journal/journal-file.js');
  const { journalPath } = await dist('src/journal/run-store.js');
  const quiet = { entry() {}, effectStarted() {}, transitioned() {}, note() {} };
  const totals = [];
  const overheads = [];
  // The first cycle pays for loading modules (the TypeScript compiler among them); it is not counted.
  for (let i = 0; i < 4; i++) {
    const repo = await materializeFixture('calc-node', false);
    const cassette = join(root, 'fixtures/cassettes/calc-node/happy-path.json');
    const t = performance.now();
    const r = await startFix(repo, 'bench', {
      model: await resolveModel(`scripted:${cassette}`, repo),
      approver: policyApprover(400),
      progress: quiet,
    });
    const total = performance.now() - t;
    if (r.state.phase !== 'DONE')
      throw new Error(`the calc-node happy path ended ${r.state.phase}, not DONE: no gated-cycle figure`);
    const { entries } = await readJournal(journalPath(r.ctx.repoRoot, r.ctx.runId));
    const testMs = entries
      .filter((e) => e.type === 'test_report')
      .reduce((s, e) => s + (e.payload.durationMs ?? 0), 0);
    if (i > 0) {
      totals.push(total);
      overheads.push(total - testMs);
    }
    await rm(repo, { recursive: true, force: true });
  }
  row(
    'gated cycle, total (calc-node happy path)',
    ms(median(totals)),
    '',
    '4 test runs, scripted model; median of 3 after a warm-up',
  );
  row(
    'runtime overhead per gated cycle',
    ms(median(overheads)),
    ms(median(totals)),
    'total minus test-runner time; model time is ~0 (scripted)',
  );
}

async function targetedVsFull() {
  console.error('targeted RED vs full suite (300 test files)');
  const files = {
    'package.json': '{"type":"module"}',
    'src/m.js': 'export const f = (x) => x + 1;\n',
    '.gitignore': 'node_modules\n',
  };
  for (let i = 0; i < 300; i++)
    files[`test/t${i}.test.js`] =
      `import { test, expect } from 'vitest';\nimport { f } from '../src/m.js';\ntest('t${i}', () => expect(f(${i})).toBe(${i + 1}));\n`;
  const repo = await genRepo('300', files);
  await symlink(join(root, 'node_modules'), join(repo, 'node_modules'), 'dir');
  const { runTests } = await dist('gates/run-tests.js');
  const { Config } = await dist('src/policy/config-schema.js');
  // A slow machine must not turn the 300-file suite into a timeout: the figure is what is measured, not a limit.
  const config = Config.parse({ test: { runner: 'vitest', timeoutMs: 1_800_000 } });
  // The link's target must be visible in the sandbox wherever agentctl is checked out (/tmp is private there).
  const modules = await realpath(join(root, 'node_modules'));
  const opts = {
    worktree: repo,
    config,
    isTestFile: (p) => p.startsWith('test/'),
    readOnlyBinds: [{ from: modules, to: modules }],
  };
  // A figure is printed only for runs that passed and collected exactly the tests asked for.
  const time = async (f, expected) => {
    const t = performance.now();
    const run = await runTests({ ...opts, files: f });
    const ms = performance.now() - t;
    const passed = run.report.tests.filter((x) => x.state === 'passed').length;
    if (run.exec.timedOut) throw new Error(`vitest timed out after ${Math.round(ms)} ms: no figure.`);
    if (run.report.tests.length !== expected || passed !== expected || run.report.collectionErrors.length > 0)
      throw new Error(
        `vitest ran ${run.report.tests.length} test(s), ${passed} passed, expected ${expected}: no figure. ` +
          `Output: ${run.report.outputTail.slice(-400)}`,
      );
    return ms;
  };
  const targeted = median([
    await time(['test/t7.test.js'], 1),
    await time(['test/t7.test.js'], 1),
    await time(['test/t7.test.js'], 1),
  ]);
  const full = await time([], 300);
  row(
    'targeted RED check (1 of 300 files)',
    ms(targeted),
    ms(full),
    'vitest, sandboxed; baseline: the full suite of 300 files',
  );
  await rm(repo, { recursive: true, force: true });
}

async function worktreeSetup() {
  console.error('worktree set-up (20,000 files)');
  const files = { 'package.json': '{}' };
  for (let i = 0; i < 20000; i++) files[`src/d${i % 200}/f${i}.js`] = `export const v${i} = ${i};\n`;
  const repo = await genRepo('20k', files);
  await mkdir(join(repo, 'node_modules', 'dep'), { recursive: true });
  await writeFile(join(repo, 'node_modules', 'dep', 'index.js'), 'module.exports = 1;\n');
  const { gitDirOf, treeOf, readTree, readBlobs } = await dist('src/git/objects.js');
  const { syncTree } = await dist('sandbox/tree-sync.js');
  const { prepareDependencies } = await dist('sandbox/deps-link.js');
  const wt = join(await mkdtemp(join(tmpdir(), 'agentctl-bench-wt-')), 'wt');
  await mkdir(wt);
  let t = performance.now();
  const gitDir = await gitDirOf(repo);
  const entries = await readTree(gitDir, await treeOf(gitDir, 'HEAD'));
  await syncTree(wt, entries, (shas) => readBlobs(gitDir, shas), {});
  await prepareDependencies(repo, wt);
  const worktree = performance.now() - t;
  await rm(dirname(wt), { recursive: true, force: true });
  const copyDir = join(await mkdtemp(join(tmpdir(), 'agentctl-bench-cp-')), 'copy');
  t = performance.now();
  await cp(repo, copyDir, { recursive: true });
  const copy = performance.now() - t;
  row(
    'run directory written from the tree + dependency links (20,000 files)',
    ms(worktree),
    ms(copy),
    'baseline: plain recursive copy of the repo',
  );
  await rm(repo, { recursive: true, force: true });
  await rm(copyDir, { recursive: true, force: true });
}

async function journal() {
  console.error('journal append rate and resume');
  const { JournalWriter, readJournal } = await dist('src/journal/journal-file.js');
  const { foldJournal } = await dist('src/runtime/fold.js');
  const dir = await mkdtemp(join(tmpdir(), 'agentctl-bench-j-'));
  const { writer } = await JournalWriter.open(join(dir, 'rate.jsonl'));
  const n = 1000;
  let t = performance.now();
  for (let i = 0; i < n; i++)
    await writer.append({
      type: 'tool_call',
      phase: 'ORIENT',
      payload: {
        call: { id: `t${i}`, name: 'read_file', input: { path: `src/f${i}.js` } },
        policy: 'allowed',
      },
    });
  const rate = n / ((performance.now() - t) / 1000);
  await writer.close();
  rows.push({
    name: 'journal appends with fdatasync',
    value: `${rate.toFixed(0)} events/s`,
    baseline: '',
    ratio: '',
    note: `${n} sequential appends, each synced before the next`,
  });
  console.error(`  appends: ${rate.toFixed(0)}/s`);

  // A 10,000-event run: a start event of the shape the runtime writes, then events the fold reads past.
  const { Config } = await dist('src/policy/config-schema.js');
  const started = {
    start: {
      runId: 'bench',
      task: 'bench',
      maxAttempts: 3,
      limits: { maxTurns: 40, maxInputTokens: 1e6, maxOutputTokens: 1e5, maxCostUsd: 5, maxWallMs: 3.6e6 },
    },
    context: {
      runId: 'bench',
      task: 'bench',
      repoRoot: dir,
      worktree: join(dir, 'wt'),
      runDir: join(dir, 'run'),
      baseSha: '0'.repeat(40),
      startedAt: new Date(0).toISOString(),
      identity: { name: 'bench', email: 'bench@agentctl.invalid' },
      config: Config.parse({ test: { runner: 'node' } }),
      depLinks: [],
    },
    model: 'scripted:bench',
  };
  const big = await JournalWriter.open(join(dir, 'big.jsonl'));
  const batch = [];
  batch.push(big.writer.append({ type: 'run_started', phase: 'ORIENT', payload: started }));
  for (let i = 1; i < 10000; i++)
    batch.push(
      big.writer.append(
        i % 2
          ? {
              type: 'tool_call',
              phase: 'AUTHOR_FIX',
              payload: {
                call: { id: `t${i}`, name: 'search_text', input: { query: 'x'.repeat(200) } },
                policy: 'allowed',
              },
            }
          : {
              type: 'tool_result',
              phase: 'AUTHOR_FIX',
              payload: { callId: `t${i - 1}`, name: 'search_text', isError: false, bytes: 200 },
            },
      ),
    );
  await Promise.all(batch);
  await big.writer.close();
  t = performance.now();
  const { entries } = await readJournal(join(dir, 'big.jsonl'));
  foldJournal(entries);
  row(
    'resume of a 10,000-event run (read, verify chain, fold)',
    ms(performance.now() - t),
    '',
    `${entries.length} events`,
  );
  await rm(dir, { recursive: true, force: true });
}

async function replFirstFrame() {
  console.error('REPL first frame');
  const script = join(root, 'bench', 'repl-first-frame.mjs');
  const out = spawnSync('node', [script], { encoding: 'utf8', timeout: 60_000 });
  const line = (out.stdout ?? '')
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .at(-1);
  if (out.status === 0 && line) {
    const { value } = JSON.parse(line);
    row("time to the REPL's first frame", ms(value), '', 'spawn to first rendered prompt');
  } else {
    rows.push({
      name: "time to the REPL's first frame",
      value: 'not measured',
      baseline: '',
      ratio: '',
      note: (out.stderr || 'bench/repl-first-frame.mjs failed').trim().split('\n')[0],
    });
  }
}

async function promptCache() {
  console.error('prompt cache over a 3-phase run (loopback Messages API)');
  const { rows: found, section } = await measurePromptCache(root, dist);
  for (const r of found) {
    rows.push(r);
    console.error(`  ${r.name}: ${r.value}`);
  }
  sections.push(section);
  // Its own file too, so running this step alone leaves its numbers in bench/results.
  await mkdir(join(root, 'bench', 'results'), { recursive: true });
  await writeFile(
    join(root, 'bench', 'results', 'prompt-cache.md'),
    `# agentctl prompt cache\n\nMeasured ${new Date().toISOString()}, Node ${process.version}.\n\n${section}`,
  );
}

const started = performance.now();
// A step whose runs failed prints no figure: its row says why, and the bench exits 1.
let failed = 0;
const STEPS = [cliStart, gatedCycle, targetedVsFull, worktreeSetup, journal, replFirstFrame, promptCache];
// `npm run bench -- journal targetedVsFull` runs only the steps named; only a full run updates latest.md.
const only = process.argv.slice(2);
const unknown = only.filter((name) => !STEPS.some((s) => s.name === name));
if (unknown.length > 0) {
  console.error(`bench: no step ${unknown.join(', ')}; the steps are ${STEPS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
for (const step of only.length === 0 ? STEPS : STEPS.filter((s) => only.includes(s.name))) {
  try {
    await step();
  } catch (err) {
    failed++;
    const why = String(err?.message ?? err).split('\n')[0];
    rows.push({
      name: step.name,
      value: 'not measured',
      baseline: '',
      ratio: '',
      note: why.replaceAll('|', '/'),
    });
    console.error(`  ${step.name}: not measured: ${why}`);
  }
}
const header = `# agentctl benchmarks\n\nMeasured ${new Date().toISOString()} on ${execFileSync('nproc').toString().trim()} cores, Node ${process.version}; each line is a median where it says so. Ratios are value ÷ baseline, measured in the same run.\n\n`;
const table = [
  '| measure | value | baseline | ratio | notes |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.name} | ${r.value} | ${r.baseline} | ${r.ratio} | ${r.note ?? ''} |`),
].join('\n');
const extra = sections.map((s) => `\n${s}`).join('');
const md = `${header}${table}\n${extra}\nTotal bench time: ${((performance.now() - started) / 1000).toFixed(0)} s.\n`;
if (only.length === 0) {
  await mkdir(join(root, 'bench', 'results'), { recursive: true });
  await writeFile(join(root, 'bench', 'results', 'latest.md'), md);
}
process.stdout.write(md);
if (failed > 0) process.exitCode = 1;
