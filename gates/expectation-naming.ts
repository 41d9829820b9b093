import type { ChangedExpectation } from '../src/core/evidence.js';

/**
 * Words of assertion libraries and of the languages themselves: naming one of them says nothing about which
 * behaviour is being reversed.
 */
const VOCABULARY = new Set(
  [
    'assert',
    'expect',
    'should',
    'equal',
    'equals',
    'strictEqual',
    'deepEqual',
    'deepStrictEqual',
    'notEqual',
    'notStrictEqual',
    'notDeepEqual',
    'notDeepStrictEqual',
    'toBe',
    'toEqual',
    'toStrictEqual',
    'toMatch',
    'toMatchObject',
    'toContain',
    'toContainEqual',
    'toThrow',
    'toThrowError',
    'toHaveLength',
    'toHaveProperty',
    'toBeTruthy',
    'toBeFalsy',
    'toBeNull',
    'toBeUndefined',
    'toBeDefined',
    'toBeNaN',
    'toBeCloseTo',
    'toBeGreaterThan',
    'toBeLessThan',
    'throws',
    'rejects',
    'resolves',
    'doesNotThrow',
    'doesNotReject',
    'match',
    'deep',
    'true',
    'false',
    'null',
    'undefined',
    'not',
    'const',
    'let',
    'var',
    'await',
    'async',
    'return',
    'new',
    'this',
    'self',
    'typeof',
    'instanceof',
    'function',
    'assertEqual',
    'assertEquals',
    'assertNotEqual',
    'assertTrue',
    'assertFalse',
    'assertIn',
    'assertNotIn',
    'assertIs',
    'assertIsNone',
    'assertIsNotNone',
    'assertRaises',
    'assertAlmostEqual',
    'None',
    'True',
    'False',
    'and',
    'lambda',
    'def',
  ].map((w) => w.toLowerCase()),
);

/** Quoted string literals: their contents are values the assertion checks. */
const STRINGS = /'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|`((?:[^`\\]|\\.)*)`/g;

/** What the changed lines of one test name: identifiers (functions, methods, properties) and literal values. */
export function expectationTerms(change: ChangedExpectation): { names: string[]; values: string[] } {
  const names = new Set<string>();
  const values = new Set<string>();
  for (const line of [...change.old, ...change.new]) {
    for (const m of line.matchAll(STRINGS)) {
      const text = (m[1] ?? m[2] ?? m[3] ?? '').trim();
      if (text.length >= 2) values.add(text);
    }
    const code = line.replace(STRINGS, ' ');
    for (const m of code.matchAll(/[A-Za-z_$][\w$]*/g))
      if (m[0].length >= 3 && !VOCABULARY.has(m[0].toLowerCase())) names.add(m[0]);
    for (const m of code.matchAll(/(?<![\w$.])-?\d+(?:\.\d+)?(?![\w$])/g))
      if (m[0].length >= 2) values.add(m[0]);
  }
  return { names: [...names], values: [...values] };
}

/** The test's own title: the last ` > ` part of its id. */
export function testTitle(id: string): string {
  return id.split(' > ').at(-1) ?? id;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Whether `stated` (the task and the test patch's stated reason) names the behaviour a changed test reverses:
 * case-insensitively, it contains the test's title, or as a whole word an identifier of at least 3 characters
 * from the test's changed lines that is not assertion or language vocabulary (the function or property the
 * assertion checks), or a literal value of at least 2 characters from them (a quoted string's content or a
 * number), old or new.
 */
export function namesExpectation(stated: string, change: ChangedExpectation): boolean {
  const text = squash(stated);
  const title = squash(testTitle(change.id)).trim();
  if (title.length >= 3 && text.includes(title)) return true;
  const { names, values } = expectationTerms(change);
  if (names.some((n) => new RegExp(`(?<![\\w$])${escape(n.toLowerCase())}(?![\\w$])`).test(text)))
    return true;
  return values.some((v) =>
    /^-?\d/.test(v)
      ? new RegExp(`(?<![\\w.])${escape(v)}(?![\\w]|\\.\\d)`).test(text)
      : text.includes(squash(v)),
  );
}

/** The rule, as the prompt and the refusals say it. */
export const CHANGED_EXPECTATION_RULE =
  "an existing test's expectation may change only when the changed test fails on the unchanged production code by an assertion, and the task or propose_test's changedExpectations names the behaviour reversed: the test's title, or a function, property or value its changed assertion checks";
