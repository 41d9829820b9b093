import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { agentctl } from '../helpers/cli.js';

const made: string[] = [];
afterAll(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

// Seen on a real TypeScript library: a *.spec file that only exports test data makes vitest fail that file with
// "No test suite found". That failure is there before any change: init verifies the suite anyway, and says the
// gates hold the file aside instead of refusing the project or asking for --passWithNoTests.
it('a spec file holding only test data is held aside, and init still verifies the suite', async () => {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'agentctl-data-spec-')));
  const cache = await mkdtemp(join(tmpdir(), 'agentctl-data-spec-cache-'));
  made.push(dir, cache);
  await mkdir(join(dir, 'test'));
  await writeFile(
    join(dir, 'package.json'),
    '{"name":"lib","type":"module","scripts":{"test":"vitest run"},"devDependencies":{"vitest":"^4"}}\n',
  );
  await writeFile(join(dir, '.gitignore'), 'node_modules\n');
  await writeFile(
    join(dir, 'test', 'rows.test.js'),
    "import { expect, test } from 'vitest';\nimport { rows } from './rows.spec.js';\ntest('two rows', () => expect(rows.length).toBe(2));\n",
  );
  await writeFile(join(dir, 'test', 'rows.spec.js'), 'export const rows = [1, 2];\n');
  await symlink(join(packageRoot(), 'node_modules'), join(dir, 'node_modules'), 'dir');
  const git = (...args: string[]) => execa('git', args, { cwd: dir });
  await git('init', '-q');
  await git('add', '-A');
  await git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-qm', 'lib');

  const r = await agentctl(['init', '--json'], dir, { AGENTCTL_CACHE_DIR: cache });
  expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as {
    verified: { collected: number; passed: number; loadErrors: string[] };
  };
  expect(out.verified.collected).toBe(1);
  expect(out.verified.passed).toBe(1);
  expect(out.verified.loadErrors.join('\n')).toMatch(/test\/rows\.spec\.js: No test suite found/);
}, 120_000);
