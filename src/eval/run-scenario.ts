import { writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import { ScriptedProvider } from '../model/scripted.js';
import { packageFile } from '../paths.js';
import { policyApprover } from '../policy/approval.js';
import type { ProgressSink } from '../runtime/context.js';
import { resumeRun } from '../runtime/resume.js';
import { startFix, worktreeDir } from '../runtime/session.js';
import {
  attemptFacts,
  changedKeys,
  commitFacts,
  committedTexts,
  processesUnder,
  snapshotOutside,
  type Observed,
} from './observe.js';
import { faultyModel } from './model-faults.js';
import { wireTexts } from './wire-checks.js';
import { materializeRepo, plantCanary, scenarioConfig, substitute } from './repo-setup.js';
import { sabotagedStartFix, WEAK_JOURNAL_CHECKS, type SabotageGate } from './sabotage.js';
import { tamperJournal } from './journal-tamper.js';
import { REAL_JOURNAL_CHECKS } from '../journal/trust-checks.js';
import { auditChecks } from '../cli/commands/audit.js';
import { readJournal } from '../journal/journal-file.js';
import { journalPath } from '../journal/run-store.js';
import type { LoadedScenario } from './scenario.js';

/** Progress that keeps only notes, for the failure detail of a scenario. */
function quietProgress(notes: string[]): ProgressSink {
  return {
    entry: () => undefined,
    effectStarted: () => undefined,
    transitioned: () => undefined,
    note: (m) => notes.push(m),
  };
}

/**
 * Runs one scenario on a fresh temp repo through the real runtime (real git, real test runner, scripted model,
 * policy approval) and reports what it observed. Never throws: a run that blows up is an observation too.
 */
export async function runScenario(loaded: LoadedScenario, sabotage?: SabotageGate): Promise<Observed> {
  const { scenario } = loaded;
  const repo = await materializeRepo(scenario.fixture, loaded.file);
  const canary = await plantCanary(repo);
  const before = await snapshotOutside(repo, canary);
  const cassette = substitute(loaded.cassette, { CANARY: canary, REPO: repo });
  const notes: string[] = [];
  let worktree = '';
  let faulty: Awaited<ReturnType<typeof faultyModel>> | null = null;
  try {
    const config = await scenarioConfig(repo, scenario.config);
    if (scenario.modelFaults !== undefined)
      faulty = await faultyModel(cassette, scenario.modelFaults, config, repo, scenario.modelProvider);
    const opts = {
      model: faulty?.model ?? new ScriptedProvider(cassette),
      approver: policyApprover(config.approval.maxAutoApproveLines, 'eval policy'),
      progress: quietProgress(notes),
      config,
    };
    let result;
    if (scenario.crash !== undefined) {
      const runId = `eval-${scenario.name}`.slice(0, 80);
      worktree = worktreeDir(repo, runId);
      const crashed = await crashRun(repo, runId, scenario.task, cassette, scenario.crash.failpoint);
      if (crashed !== null) return { ...empty(), error: crashed };
      result = await resumeRun(repo, runId, opts);
    } else if (sabotage !== undefined) {
      result = await sabotagedStartFix(repo, scenario.task, opts, sabotage);
    } else {
      result = await startFix(repo, scenario.task, opts);
    }
    worktree = result.ctx.worktree;
    // Every injected fault must have been met and retried past, or the scenario did not test what it says.
    const unmet =
      faulty !== null && faulty.unused() > 0
        ? `${faulty.unused()} model replies or faults were never requested`
        : null;
    const commit = await commitFacts(repo, result.state);
    const lacks = Object.keys(scenario.expect.commitFileLacks ?? {});
    const audit = await auditFailures(repo, result.ctx.runId);
    // Tampering comes last: each edit is undone before the next, and the journal is whole again afterwards.
    const tamper =
      scenario.tamper === undefined
        ? []
        : await tamperJournal(
            journalPath(repo, result.ctx.runId),
            repo,
            result.ctx.runId,
            scenario.tamper,
            sabotage === 'journal' ? WEAK_JOURNAL_CHECKS : REAL_JOURNAL_CHECKS,
          );
    return {
      ...attemptFacts(result.state),
      commitFiles: commit.files,
      commits: commit.commits,
      commitTexts: await committedTexts(repo, result.state, lacks),
      auditFailures: audit,
      wire: faulty === null ? null : wireTexts(faulty.wire()),
      canaryChanges: changedKeys(before, await snapshotOutside(repo, canary)),
      strayProcesses: await processesUnder(worktree),
      commitSha: result.state.phase === 'DONE' ? result.state.commit.sha : null,
      tamper,
      ...(unmet !== null ? { error: unmet } : {}),
    };
  } catch (err) {
    // A run that blew up may still have reached outside the worktree: that is observed too.
    const after = await snapshotOutside(repo, canary).catch(() => null);
    return {
      ...empty(),
      canaryChanges: after === null ? ['(cannot be read)'] : changedKeys(before, after),
      error: `${(err as Error).message}${notes.length > 0 ? ` (last note: ${notes.at(-1)})` : ''}`,
    };
  } finally {
    await faulty?.close();
  }
}

/** The `audit verify` checks of a finished run that fail; a journal that cannot be read at all is one. */
async function auditFailures(repo: string, runId: string): Promise<string[]> {
  try {
    const { entries } = await readJournal(journalPath(repo, runId));
    return (await auditChecks(repo, runId, entries))
      .filter((c) => !c.ok)
      .map((c) => `${c.name}: ${c.detail}`);
  } catch (err) {
    return [`journal: ${(err as Error).message}`];
  }
}

function empty(): Observed {
  return {
    phase: '(none)',
    attempts: 0,
    attemptKinds: [],
    reasons: [],
    commitFiles: null,
    commits: 0,
    canaryChanges: [],
    strayProcesses: [],
    commitTexts: {},
    auditFailures: [],
    wire: null,
    commitSha: null,
    tamper: [],
  };
}

/**
 * Runs the built CLI as a child with the failpoint armed; it must die by SIGKILL. Returns null when it did, or
 * what happened instead. The run id is pinned so the resume that follows can name it.
 */
async function crashRun(
  repo: string,
  runId: string,
  task: string,
  cassette: unknown,
  failpoint: string,
): Promise<string | null> {
  // The child needs the cassette as a file; beside the repo, so the checkout stays clean.
  const file = `${repo}.cassette.json`;
  await writeFile(file, JSON.stringify(cassette));
  const child = await execa(
    'node',
    [packageFile('bin', 'agentctl.js'), 'fix', task, '--yes', '--json', '--model', `scripted:${file}`],
    {
      cwd: repo,
      reject: false,
      stdin: 'ignore',
      env: {
        NO_COLOR: '1',
        AGENTCTL_FAILPOINT: failpoint,
        AGENTCTL_RUN_ID: runId,
        AGENTCTL_CLOCK: '2026-03-01T12:00:00Z',
      },
    },
  );
  if (child.signal === 'SIGKILL') return null;
  return `crash: expected SIGKILL at ${failpoint}, but the child ended with ${child.signal ?? `exit ${child.exitCode}`}: ${child.stderr.slice(-300)}`;
}
