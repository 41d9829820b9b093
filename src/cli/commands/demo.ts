import { cp, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitAllAsNewRepo } from '../../git/repo.js';
import { loadCassette } from '../../model/cassette.js';
import { packageFile } from '../../paths.js';
import type { CliIO } from '../io.js';
import { pinnedRunId } from '../../runtime/run-setup.js';
import { fixCommand } from './fix.js';

/** Copies a bundled fixture into a fresh git repo in a temp dir; returns its path. */
export async function materializeFixture(name: string, linkNodeModules: boolean): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `agentctl-${name}-`));
  await cp(packageFile('fixtures', 'repos', name), dir, { recursive: true });
  // Fixed dates make the fixture's base commit, and so every commit built on it, reproducible.
  await commitAllAsNewRepo(dir, {
    name: 'agentctl demo',
    email: 'demo@agentctl.invalid',
    date: '2026-01-01T00:00:00Z',
    message: 'fixture: initial commit',
  });
  if (linkNodeModules) await symlink(packageFile('node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** `agentctl demo`: a whole gated run on a bundled buggy repo with a recorded model; no key, no network. */
export async function demoCommand(opts: { json?: boolean }, io: CliIO): Promise<number> {
  // A bad AGENTCTL_RUN_ID is refused before the demo repo is made.
  pinnedRunId(io.env);
  const cassetteFile = packageFile('fixtures', 'cassettes', 'calc-node', 'demo.json');
  const cassette = await loadCassette(cassetteFile);
  const repo = await materializeFixture('calc-node', false);
  const say = (line: string) => {
    if (!opts.json) io.stdout.write(`${line}\n`);
  };
  say(`Demo repo: ${repo} (a copy of fixtures/repos/calc-node, committed with git)`);
  say(`Model: the recorded cassette "${cassette.name}" — ${cassette.description}`);
  say('');
  const code = await fixCommand(
    cassette.task ?? 'fix the bug',
    { model: `scripted:${cassetteFile}`, json: opts.json ?? false, yes: true, approvedBy: 'policy (demo)' },
    io,
    repo,
  );
  say('');
  say(`The demo repo stays at ${repo}; its journal is under .agentctl/runs/. Your own repo was not touched.`);
  say(`  the run's timeline: agentctl -C ${repo} runs show last`);
  say(`  check its journal:  agentctl -C ${repo} audit verify last`);
  return code;
}
