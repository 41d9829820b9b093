import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/journal/journal-file.js';
import { journalPath } from '../../src/journal/run-store.js';
import { packageFile } from '../../src/paths.js';
import { REAL_FIX, committedFiles, hostileRun, hostileTest, userGit } from './hostile-run.js';

/**
 * Committed tree = tested tree. Whatever a test run does to the worktree, agentctl restores the tree it built
 * from the accepted proposals, says what the run changed, and commits exactly the tree GREEN ran on.
 */
const BASE_CALC = () => readFile(packageFile('fixtures', 'repos', 'calc-node', 'src', 'calc.js'), 'utf8');
const fixedCalc = async () => (await BASE_CALC()).replace(REAL_FIX.find, REAL_FIX.replace);

describe('the committed tree is the tree agentctl built and tested', () => {
  it('a RED test that rewrites src/calc.js: the commit holds only the proposals, and the change is reported', async () => {
    const attack = `fs.writeFileSync(ROOT + 'src/calc.js', 'export const average = () => 0; // planted\\nexport const sum = () => 0;\\n');`;
    const r = await hostileRun({ test: () => hostileTest(attack), fixes: [[REAL_FIX]] });
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(r.lines).toContain('the test run changed src/calc.js; restored');
    if (r.state.phase !== 'DONE') return;
    const files = await committedFiles(r.repo, r.state.commit.sha);
    expect(files['src/calc.js']).toBe(await fixedCalc());
    expect(files['src/calc.js']).not.toContain('planted');
  });

  it('a test that fails once and passes on the next run (a marker file) gets no no-op fix committed', async () => {
    const attack = `
    const marker = ROOT + 'test/.seen';
    if (fs.existsSync(marker)) return;
    fs.writeFileSync(marker, '1');`;
    const noop = { op: 'replace', path: 'src/calc.js', find: '/** Adds up', replace: '/** Sums up' };
    const r = await hostileRun({
      test: () => hostileTest(attack, 'assert.equal(average([2, 4]), 4);'),
      fixes: [[noop], [noop], [noop]],
    });
    expect(r.state.phase, r.lines.join('\n')).toBe('ESCALATED');
    expect(r.state.history.map((h) => h.kind)).toEqual(['green_failed', 'green_failed', 'green_failed']);
    expect(await userGit(r.repo, ['branch', '--list', 'agentctl/*'])).toBe('');
  });

  it('a fix adding src/helper.js and a .gitignore line ignoring it: the commit contains helper.js', async () => {
    const fix = [
      { op: 'create', path: 'src/helper.js', content: 'export const EMPTY_AVERAGE = 0;\n' },
      { op: 'create', path: 'src/.gitignore', content: 'helper.js\n' },
      {
        op: 'replace',
        path: 'src/calc.js',
        find: '  return sum(numbers) / numbers.length;',
        replace: '  if (numbers.length === 0) return EMPTY_AVERAGE;\n  return sum(numbers) / numbers.length;',
      },
      {
        op: 'replace',
        path: 'src/calc.js',
        find: '/** Adds up',
        replace: "import { EMPTY_AVERAGE } from './helper.js';\n\n/** Adds up",
      },
    ];
    const r = await hostileRun({ test: () => hostileTest(''), fixes: [fix] });
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    if (r.state.phase !== 'DONE') return;
    const files = await committedFiles(r.repo, r.state.commit.sha);
    expect(files['src/helper.js']).toBe('export const EMPTY_AVERAGE = 0;\n');
    expect(files['src/.gitignore']).toBe('helper.js\n');
    expect(files['src/calc.js']).toContain("from './helper.js'");
  });

  it('a RED run that plants test/zz-link.js -> the run journal: nothing writes through it', async () => {
    const r = await hostileRun({
      test: ({ repo, runId }) =>
        hostileTest(`fs.symlinkSync(${JSON.stringify(journalPath(repo, runId))}, ROOT + 'test/zz-link.js');`),
      fixes: [[REAL_FIX]],
    });
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(r.lines).toContain('the test run changed test/zz-link.js; restored');
    // The journal reads back whole: every line parses and the hash chain holds, nothing was cut or appended to.
    const again = await readJournal(journalPath(r.repo, r.runId));
    expect(again.entries.map((e) => e.seq)).toEqual(r.journal.map((e) => e.seq));
    const text = await readFile(journalPath(r.repo, r.runId), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .every((line) => JSON.parse(line) !== null),
    ).toBe(true);
    if (r.state.phase !== 'DONE') return;
    const files = await committedFiles(r.repo, r.state.commit.sha);
    expect(Object.keys(files)).not.toContain('test/zz-link.js');
  });
});
