import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { JournalError } from '../../src/errors.js';
import { JournalWriter } from '../../src/journal/journal-file.js';
import { ensureAgentctlDir, journalPath, listRuns, newRunId, runDir } from '../../src/journal/run-store.js';
import { tempDir } from './helpers.js';

describe('run store', () => {
  it('keeps .agentctl out of git without touching the repo’s own ignore file', async () => {
    const repo = await tempDir();
    await execa('git', ['init', '-q'], { cwd: repo });
    await ensureAgentctlDir(repo);
    const { writer } = await JournalWriter.open(journalPath(repo, '20261125-142233-a1b2c3'));
    await writer.append({ type: 'run.started', phase: 'init', payload: {} });
    await writer.close();
    expect(await readFile(join(repo, '.agentctl', '.gitignore'), 'utf8')).toBe('*\n');
    const status = await execa('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: repo });
    expect(status.stdout).toBe('');
  });

  it('leaves an existing .agentctl/.gitignore alone', async () => {
    const repo = await tempDir();
    await mkdir(join(repo, '.agentctl'));
    await writeFile(join(repo, '.agentctl', '.gitignore'), 'runs/\n');
    await expect(ensureAgentctlDir(repo)).resolves.toBe(join(repo, '.agentctl'));
    expect(await readFile(join(repo, '.agentctl', '.gitignore'), 'utf8')).toBe('runs/\n');
  });

  it('lays runs out under .agentctl/runs and refuses ids that are not plain names', () => {
    expect(journalPath('/repo', 'r1')).toBe(join('/repo', '.agentctl', 'runs', 'r1', 'journal.jsonl'));
    for (const bad of ['', '..', '../etc', 'a/b', '.hidden', 'a b']) {
      expect(() => runDir('/repo', bad), bad).toThrow(JournalError);
    }
  });

  it('makes ids that sort by start time', () => {
    const at = (iso: string) => new Date(iso);
    expect(newRunId(at('2026-11-25T14:22:33Z'), () => 'a1b2c3')).toBe('20261125-142233-a1b2c3');
    const ids = ['2026-01-02T00:00:00Z', '2025-12-31T23:59:59Z', '2026-01-01T09:05:00Z'].map((t) =>
      newRunId(at(t)),
    );
    expect([...ids].sort()).toEqual([ids[1], ids[2], ids[0]]);
    expect(ids[0]).toMatch(/^20260102-000000-[0-9a-f]{6}$/);
    expect(() => newRunId(new Date(), () => '../x')).toThrow(JournalError);
  });

  it('lists runs oldest id first with their last change, ignoring stray files', async () => {
    const repo = await tempDir();
    expect(await listRuns(repo)).toEqual([]);
    const newer = '20261125-142233-bbbbbb';
    const older = '20261124-080000-aaaaaa';
    await mkdir(runDir(repo, newer), { recursive: true });
    await mkdir(runDir(repo, older), { recursive: true });
    await writeFile(join(repo, '.agentctl', 'runs', 'notes.txt'), 'x');
    await writeFile(journalPath(repo, older), '');
    const when = new Date('2026-01-01T00:00:00Z');
    await utimes(journalPath(repo, older), when, when);
    const runs = await listRuns(repo);
    expect(runs.map((r) => r.runId)).toEqual([older, newer]);
    expect(runs[0]).toEqual({ runId: older, dir: runDir(repo, older), mtime: when });
    expect(runs[1]?.mtime).toBeInstanceOf(Date);
  });
});
