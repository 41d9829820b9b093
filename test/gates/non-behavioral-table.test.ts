import { describe, expect, it } from 'vitest';
import { judgeNonBehavioral, type ProposedFile } from '../../gates/non-behavioral.js';
import type { ChangeVerdict } from '../../src/core/evidence.js';
import type { PathKind } from '../../src/policy/path-kinds.js';

const kindOf = (path: string): PathKind =>
  path.includes('.test.') ? 'test' : path.startsWith('vitest.config') ? 'test_config' : 'production';

const code = 'export function total(xs) {\n  let t = 0;\n  for (const x of xs) t += x;\n  return t;\n}\n';

interface Row {
  name: string;
  files: ProposedFile[];
  reason: ChangeVerdict['reason'];
  /** The file the verdict must name first, and words its message must hold. */
  names?: string;
  message: RegExp;
}

const rows: Row[] = [
  {
    name: 'docs only',
    files: [{ path: 'README.md', before: '# a\n', after: '# b\n' }],
    reason: 'non_behavioral',
    message: /README\.md \(not code\)/,
  },
  {
    name: 'comments and formatting in code',
    files: [
      {
        path: 'src/total.js',
        before: code,
        after: `/** Sums. */\nexport function total(xs) { let t = 0; for (const x of xs) t += x; return t; }\n`,
      },
    ],
    reason: 'non_behavioral',
    message: /src\/total\.js \(comments, formatting or types only\)/,
  },
  {
    name: 'a renamed TypeScript type',
    files: [
      {
        path: 'src/t.ts',
        before: 'type Amount = number;\nexport const f = (a: Amount): Amount => a;\n',
        after: 'type Money = number;\nexport const f = (a: Money): Money => a;\n',
      },
    ],
    reason: 'non_behavioral',
    message: /src\/t\.ts/,
  },
  {
    name: 'package metadata',
    files: [
      {
        path: 'package.json',
        before: '{"name":"p","description":"a"}',
        after: '{"name":"p","description":"b"}',
      },
    ],
    reason: 'non_behavioral',
    message: /metadata only/,
  },
  {
    name: 'a new docs file beside a comment change',
    files: [
      { path: 'docs/usage.md', before: null, after: 'Use it.\n' },
      { path: 'src/total.js', before: code, after: `// totals\n${code}` },
    ],
    reason: 'non_behavioral',
    message: /docs\/usage\.md \(not code\); src\/total\.js/,
  },
  {
    name: 'a changed expression disguised as formatting',
    files: [{ path: 'src/total.js', before: code, after: code.replace('t += x', 't += x * 2') }],
    reason: 'behavior_change',
    names: 'src/total.js',
    message: /src\/total\.js: runtime syntax changed; a behavior change needs a failing test first/,
  },
  {
    name: 'a renamed runtime identifier (the classifier cannot prove it unseen)',
    files: [{ path: 'src/total.js', before: code, after: code.replaceAll('total', 'sum') }],
    reason: 'behavior_change',
    names: 'src/total.js',
    message: /runtime syntax changed/,
  },
  {
    name: 'a behavior change hidden behind a docs change',
    files: [
      { path: 'README.md', before: 'a', after: 'b' },
      { path: 'src/x.py', before: 'x = 1\n', after: 'x = 2\n' },
    ],
    reason: 'behavior_change',
    names: 'src/x.py',
    message: /src\/x\.py: production code \(not JS\/TS: any change counts\)/,
  },
  {
    name: 'a test file',
    files: [{ path: 'test/a.test.js', before: 'x', after: 'y' }],
    reason: 'tests_locked',
    names: 'test/a.test.js',
    message: /test\/a\.test\.js: a test file; tests stay locked/,
  },
  {
    name: 'test configuration',
    files: [{ path: 'vitest.config.ts', before: 'a', after: 'b' }],
    reason: 'tests_locked',
    names: 'vitest.config.ts',
    message: /vitest\.config\.ts: test configuration; tests stay locked/,
  },
  {
    name: "package.json's test script",
    files: [
      {
        path: 'package.json',
        before: '{"scripts":{"test":"node --test"}}',
        after: '{"scripts":{"test":"node --test || true"}}',
      },
    ],
    reason: 'tests_locked',
    names: 'package.json',
    message: /package\.json: test configuration/,
  },
  {
    name: 'a dependency',
    files: [{ path: 'package.json', before: '{"dependencies":{}}', after: '{"dependencies":{"x":"1"}}' }],
    reason: 'behavior_change',
    names: 'package.json',
    message: /dependency manifests/,
  },
  {
    name: 'a file that no longer parses',
    files: [{ path: 'src/total.js', before: code, after: code.replace('return t;', 'return t;;}') }],
    reason: 'behavior_change',
    names: 'src/total.js',
    message: /does not parse/,
  },
  { name: 'nothing changed', files: [], reason: 'behavior_change', message: /changes no file/ },
];

describe('judgeNonBehavioral: the acceptance rule of propose_change', () => {
  it.each(rows)('$name → $reason', ({ files, reason, names, message }) => {
    const verdict = judgeNonBehavioral(files, kindOf);
    expect(verdict.reason).toBe(reason);
    expect(verdict.ok).toBe(reason === 'non_behavioral');
    expect(verdict.message).toMatch(message);
    if (names !== undefined) expect(verdict.files[0]?.path).toBe(names);
    if (verdict.ok) expect(verdict.files.map((f) => f.path).sort()).toEqual(files.map((f) => f.path).sort());
  });

  it('names the first offending file in path order, whatever order the proposal listed them in', () => {
    const files = [
      { path: 'src/b.js', before: 'f(1)', after: 'f(2)' },
      { path: 'src/a.js', before: 'g(1)', after: 'g(2)' },
    ];
    expect(judgeNonBehavioral(files, kindOf).files[0]?.path).toBe('src/a.js');
    expect(judgeNonBehavioral([...files].reverse(), kindOf).files[0]?.path).toBe('src/a.js');
  });
});
