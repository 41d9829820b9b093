import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCiCheck } from '../../src/ci/check.js';
import { cleanupRepos, prRepo, useScratchCache, type PrRepo } from './pr-repo.js';

const STACK = `export class Stack {
  constructor() {
    this.items = [];
  }
  push(x) {
    this.items.push(x);
  }
}
`;
const WITH_QUEUE = `${STACK}
export class Queue {
  constructor() {
    this.items = [];
  }
  enqueue(x) {
    this.items.push(x);
  }
  get size() {
    return this.items.length;
  }
}
`;

let repo: PrRepo;
beforeAll(async () => {
  await useScratchCache();
  repo = await prRepo(
    {
      'src/stack.js': STACK,
      'test/stack.test.js': `import { expect, it } from 'vitest';\nimport { Stack } from '../src/stack.js';\n\nit('pushes', () => {\n  expect(() => new Stack().push(1)).not.toThrow();\n});\n`,
    },
    { runner: 'vitest', linkModules: true },
  );
});
afterAll(cleanupRepos);

it('ci check on a vitest repo: a new class with a checking test passes through the stub rule', async () => {
  const head = await repo.pr('queue', {
    'src/stack.js': WITH_QUEUE,
    'test/queue.test.js': `import { expect, it } from 'vitest';\nimport { Queue } from '../src/stack.js';\n\nit('counts what it holds', () => {\n  const q = new Queue();\n  q.enqueue(1);\n  expect(q.size).toBe(1);\n});\n`,
  });
  const v = await runCiCheck({ cwd: repo.dir, base: 'main', head });
  expect(
    v.ok,
    JSON.stringify({ checks: v.checks, findings: v.findings, evidence: v.evidence }, null, 1),
  ).toBe(true);
  expect(v.evidence).toEqual([
    expect.objectContaining({
      id: 'test/queue.test.js > counts what it holds',
      counts: true,
      stubbed: ['src/stack.js#Queue'],
    }),
  ]);
});
