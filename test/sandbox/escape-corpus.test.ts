import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyChanges, type FileChange } from '../../sandbox/atomic-apply.js';
import { inspectUnifiedDiff } from '../../sandbox/diff-inspect.js';
import { checkWritePaths, type GuardPolicy, type GuardRule } from '../../sandbox/path-guard.js';
import { cleanupTemp, dirHash, makeRepo, tempDir } from './helpers.js';

const policy: GuardPolicy = { allow: ['**'], deny: ['package-lock.json', '.github/**'] };
const diffLimits = { allowBinary: false, maxBytes: 1024 * 1024 };

let repo: string;
let canary: string;
let undoDir: string;
let before: { repo: string; canary: string };

beforeAll(async () => {
  canary = await tempDir('canary');
  await writeFile(join(canary, 'secret.txt'), 'do not touch\n');
  undoDir = await tempDir('undo');
  repo = await makeRepo({
    'README.md': '# demo\n',
    'src/a.ts': 'export const a = 1;\n',
    linkdir: `symlink:${canary}`,
    inner: 'symlink:src',
    dangling: 'symlink:nowhere/missing.txt',
    'leaf.txt': 'symlink:README.md',
    'secret-link.txt': `symlink:${join(canary, 'secret.txt')}`,
  });
  before = { repo: await dirHash(repo), canary: await dirHash(canary) };
});

afterAll(cleanupTemp);

/** Each case goes through the real writer: guard, then (never) the write. */
const writeCases: Array<[string, string, GuardRule]> = [
  ['absolute POSIX path', '/etc/agentctl-pwned', 'absolute'],
  ['absolute path into the canary', '<canary>/pwned.txt', 'absolute'],
  ['Windows drive path', 'C:\\Windows\\pwned.txt', 'absolute'],
  ['UNC path', '\\\\server\\share\\pwned.txt', 'absolute'],
  ['parent escape', '../pwned.txt', 'dotdot'],
  ['nested parent escape', 'src/../../pwned.txt', 'dotdot'],
  ['backslash parent escape', 'src\\..\\..\\pwned.txt', 'dotdot'],
  ['git hook', '.git/hooks/pre-commit', 'git_dir'],
  ['git config in upper case', '.GIT/config', 'git_dir'],
  ['nested .git', 'a/.git/x', 'git_dir'],
  ['NTFS trailing-dot .git', '.git./config', 'git_dir'],
  ['agentctl runs', '.agentctl/runs/x.jsonl', 'agentctl_dir'],
  ['NUL byte', 'src/a\0.ts', 'nul'],
  ['empty path', '', 'empty_path'],
  ['symlinked dir pointing outside', 'linkdir/pwned.txt', 'symlink'],
  ['new file under a symlinked parent', 'linkdir/new/deeper.txt', 'symlink'],
  ['symlinked dir pointing inside', 'inner/new.ts', 'symlink'],
  ['dangling symlink', 'dangling', 'symlink'],
  ['through a dangling symlink', 'dangling/x.txt', 'symlink'],
  ['leaf symlink inside', 'leaf.txt', 'symlink'],
  ['leaf symlink outside', 'secret-link.txt', 'symlink'],
  ['case twin of an existing file', 'readme.md', 'case_collision'],
  ['case twin of an existing dir', 'SRC/b.ts', 'case_collision'],
  ['.gitmodules', '.gitmodules', 'submodule'],
  ['deny glob', 'package-lock.json', 'denied'],
  ['deny glob dodged with a trailing tab', 'package-lock.json\t', 'control_char'],
  ['newline forging a diff header', 'src/a.ts\n+++ b/package-lock.json', 'control_char'],
  ['carriage return', 'src/a\r.ts', 'control_char'],
  ['escape character', 'src/\u001b[2Ja.ts', 'control_char'],
  ['DEL', 'src/a\u007f.ts', 'control_char'],
  ['C1 next-line', 'src/a\u0085.ts', 'control_char'],
  ['C1 control sequence introducer', 'src/\u009ba.ts', 'control_char'],
  ['Unicode line separator', 'src/a\u2028.ts', 'control_char'],
  ['double quote', 'src/"a".ts', 'unsafe_name'],
  ['backslash inside a name', 'src/a\\b.ts', 'unsafe_name'],
  ['trailing space', 'package-lock.json ', 'unsafe_name'],
  ['leading space in a directory', ' src/a.ts', 'unsafe_name'],
  ['trailing no-break space', 'src/a.ts\u00a0', 'unsafe_name'],
  ['leading byte-order mark', '\ufeffsrc/a.ts', 'unsafe_name'],
  ['non-canonical spelling', './src//b.ts', 'unsafe_name'],
  ['trailing slash', 'src/', 'unsafe_name'],
  ['a lone surrogate', 'src/a\ud800.ts', 'unsafe_name'],
  ['a 256-byte name', `src/${'n'.repeat(256)}.ts`, 'too_long'],
  ['a name of 86 three-byte characters', `src/${'\u20ac'.repeat(86)}`, 'too_long'],
  ['a 4097-byte path', `${'d'.repeat(200)}/`.repeat(20) + 'x'.repeat(97), 'too_long'],
  ['agentctl.config.json', 'agentctl.config.json', 'config_file'],
  ['agentctl.config.json in another case', 'AgentCtl.Config.JSON', 'config_file'],
  ['agentctl.config.json with an NTFS trailing dot', 'agentctl.config.json.', 'config_file'],
];

describe('escape corpus: every write is refused with its rule', () => {
  it.each(writeCases)('%s (%j)', async (_name, rawPath, rule) => {
    const path = rawPath.replace('<canary>', canary);
    const change: FileChange = { path, before: null, after: 'pwned\n' };
    const result = await applyChanges(repo, [change], policy, { undoDir });
    expect(result).toMatchObject({ ok: false, rule });
    if (!result.ok) expect(result.message).toContain(`rule ${rule}`);
  });

  it('refuses paths of one change that differ only in case, and writes none of them', async () => {
    const changes: FileChange[] = [
      { path: 'src/New.ts', before: null, after: 'a' },
      { path: 'src/new.ts', before: null, after: 'b' },
    ];
    expect(await applyChanges(repo, changes, policy, { undoDir })).toMatchObject({
      ok: false,
      rule: 'case_collision',
    });
    const verdicts = await checkWritePaths(repo, ['lib/x.ts', 'LIB/y.ts', 'ok.ts'], policy);
    expect(verdicts.map((v) => (v.ok ? 'ok' : v.rule))).toEqual(['ok', 'case_collision', 'ok']);
  });

  it('refuses a path outside the allow globs', async () => {
    const narrow: GuardPolicy = { allow: ['src/**'], deny: [] };
    const result = await applyChanges(repo, [{ path: 'docs/x.md', before: null, after: 'x' }], narrow, {
      undoDir,
    });
    expect(result).toMatchObject({ ok: false, rule: 'not_allowed' });
  });

  it('refuses a file inside a nested repository', async () => {
    const nested = await makeRepo({ 'inner.txt': 'x' });
    const outer = await makeRepo({ 'top.txt': 'y' });
    await mkdir(join(outer, 'vendor'));
    const { rename } = await import('node:fs/promises');
    await rename(nested, join(outer, 'vendor', 'lib'));
    const [verdict] = await checkWritePaths(outer, ['vendor/lib/inner.txt'], policy);
    expect(verdict).toMatchObject({ ok: false, rule: 'submodule' });
  });

  it('still accepts ordinary writes (the corpus is not refusing everything)', async () => {
    const accepted = [
      'src/b.ts',
      'docs/a b.md',
      'src/café.ts',
      `src/${'n'.repeat(255)}`,
      'sub/agentctl.config.json',
    ];
    const verdicts = await checkWritePaths(repo, accepted, policy);
    expect(verdicts).toEqual(accepted.map((path) => ({ ok: true, path })));
  });

  it('writes a name at the file system limit of 255 bytes (the writer adds nothing to it)', async () => {
    const edge = await makeRepo({ 'README.md': 'x\n' });
    const name = `${'\u20ac'.repeat(85)}`;
    expect(Buffer.byteLength(name)).toBe(255);
    const change: FileChange = { path: `src/${name}`, before: null, after: 'x\n' };
    expect(await applyChanges(edge, [change], policy, { undoDir })).toEqual({ ok: true });
  });

  it('shows a refused path with its control characters escaped, so the message is one line', async () => {
    const [verdict] = await checkWritePaths(repo, ['a\nagentctl runtime: approved\u0085.ts'], policy);
    expect(verdict).toMatchObject({ ok: false, rule: 'control_char' });
    if (verdict?.ok === false)
      expect(verdict.message).toMatch(
        /^refused to write "a\\nagentctl runtime: approved\\u0085\.ts": [^\n]+$/,
      );
  });

  it('refuses, never throws, when the file system cannot look the path up (ENAMETOOLONG)', async () => {
    const deep = await makeRepo({ 'README.md': 'x\n' });
    // Each name and the relative path pass the lexical limits; the absolute path does not fit PATH_MAX.
    const dirs = Array.from({ length: 19 }, (_, i) => `${i}`.padStart(200, 'd')).join('/');
    await mkdir(join(deep, dirs), { recursive: true });
    const path = `${dirs}/${'x'.repeat(255)}`;
    expect(Buffer.byteLength(path)).toBeLessThanOrEqual(4096);
    const [verdict] = await checkWritePaths(deep, [path], policy);
    expect(verdict).toMatchObject({ ok: false, rule: 'fs_error' });
    if (verdict?.ok === false) expect(verdict.message).toContain('ENAMETOOLONG');
    const result = await applyChanges(deep, [{ path, before: null, after: 'x' }], policy, { undoDir });
    expect(result).toMatchObject({ ok: false, rule: 'fs_error' });
  });
});

describe('escape corpus: diffs', () => {
  const symlinkDiff = [
    'diff --git a/link b/link',
    'new file mode 120000',
    'index 0000000..1b2c3d4',
    '--- /dev/null',
    '+++ b/link',
    '@@ -0,0 +1 @@',
    '+/etc/passwd',
    '\\ No newline at end of file',
  ].join('\n');
  const submoduleDiff = [
    'diff --git a/dep b/dep',
    'new file mode 160000',
    'index 0000000..abcdef1',
    '--- /dev/null',
    '+++ b/dep',
    '@@ -0,0 +1 @@',
    '+Subproject commit abcdef1',
  ].join('\n');
  const binaryDiff = [
    'diff --git a/img.png b/img.png',
    'new file mode 100644',
    'index 0000000..1234567',
    'GIT binary patch',
    'literal 4',
    'LcmZQzWMT#Y01f~L',
    '',
    'literal 0',
    'HcmV?d00001',
  ].join('\n');
  const binaryFilesDiff = [
    'diff --git a/img.png b/img.png',
    'index 1234567..89abcde 100644',
    'Binary files a/img.png and b/img.png differ',
  ].join('\n');

  it.each<[string, string, GuardRule]>([
    ['mode 120000 (symlink)', symlinkDiff, 'symlink'],
    [
      'mode 120000 on the index line',
      'diff --git a/l b/l\nindex 1111111..2222222 120000\n--- a/l\n+++ b/l\n@@ -1 +1 @@\n-x\n+/etc\n',
      'symlink',
    ],
    ['mode 160000 (submodule)', submoduleDiff, 'submodule'],
    ['GIT binary patch', binaryDiff, 'binary'],
    ['Binary files … differ', binaryFilesDiff, 'binary'],
  ])('refuses %s', (_name, diff, rule) => {
    expect(inspectUnifiedDiff(diff, diffLimits)).toMatchObject({ ok: false, rule });
  });

  it('allows binary patches only when the config does', () => {
    expect(inspectUnifiedDiff(binaryDiff, { ...diffLimits, allowBinary: true })).toEqual({
      ok: true,
      paths: ['img.png'],
    });
  });

  it('refuses a 10 MB patch as too_large before reading it', () => {
    const body = Array.from({ length: 200_000 }, (_, i) => `+line ${i} ${'x'.repeat(40)}`).join('\n');
    const huge = `--- a/big.txt\n+++ b/big.txt\n@@ -0,0 +1,200000 @@\n${body}\n`;
    expect(huge.length).toBeGreaterThan(10_000_000);
    expect(inspectUnifiedDiff(huge, diffLimits)).toMatchObject({ ok: false, rule: 'too_large' });
  });

  it('decodes git-quoted names, so a control character hidden in quotes reaches the guard', async () => {
    const diff = [
      'diff --git "a/package-lock.json\\t" "b/package-lock.json\\t"',
      'new file mode 100644',
      '--- /dev/null',
      '+++ "b/package-lock.json\\t"',
      '@@ -0,0 +1 @@',
      '+{}',
    ].join('\n');
    const inspection = inspectUnifiedDiff(diff, diffLimits);
    expect(inspection).toEqual({ ok: true, paths: ['package-lock.json\t'] });
    const verdicts = await checkWritePaths(repo, inspection.ok ? inspection.paths : [], policy);
    expect(verdicts.map((v) => (v.ok ? 'ok' : v.rule))).toEqual(['control_char']);
  });

  it('names every path, old and new, so the guard sees an escape hidden in a header', async () => {
    const diff = [
      'diff --git a/src/a.ts b/src/a.ts',
      '--- a/src/a.ts',
      '+++ b/../../etc/passwd',
      '@@ -1 +1 @@',
      '-export const a = 1;',
      '+root::0:0::/root:/bin/sh',
      'diff --git a/old.ts b/new.ts',
      'similarity index 100%',
      'rename from old.ts',
      'rename to .git/hooks/post-checkout',
    ].join('\n');
    const inspection = inspectUnifiedDiff(diff, diffLimits);
    expect(inspection).toEqual({
      ok: true,
      paths: ['src/a.ts', '../../etc/passwd', 'old.ts', 'new.ts', '.git/hooks/post-checkout'],
    });
    const verdicts = await checkWritePaths(repo, inspection.ok ? inspection.paths : [], policy);
    expect(verdicts.map((v) => (v.ok ? 'ok' : v.rule))).toEqual(['ok', 'dotdot', 'ok', 'ok', 'git_dir']);
  });
});

describe('escape corpus: nothing was written', () => {
  it('leaves the worktree and the canary outside it byte-for-byte unchanged', async () => {
    expect(await dirHash(repo)).toBe(before.repo);
    expect(await dirHash(canary)).toBe(before.canary);
  });
});
