import { describe, expect, it } from 'vitest';
import { checkCommand, parseArgv } from '../../sandbox/command-policy.js';

describe('parseArgv', () => {
  it.each<[string, string[]]>([
    ['npm test', ['npm', 'test']],
    ['  npx   vitest run\tsrc/a.test.ts  ', ['npx', 'vitest', 'run', 'src/a.test.ts']],
    [`node -e 'console.log(1); process.exit(2)'`, ['node', '-e', 'console.log(1); process.exit(2)']],
    [`echo "say \\"hi\\"" it\\'s`, ['echo', 'say "hi"', "it's"]],
    [`grep -r '' "" x`, ['grep', '-r', '', '', 'x']],
    [`pre'mid dle'post`, ['premid dlepost']],
    [`it's fine`, ["it's", 'fine']],
  ])('%j', (line, argv) => {
    expect(parseArgv(line)).toEqual(argv);
  });

  it('keeps shell metacharacters as literal characters of arguments', () => {
    expect(parseArgv('npm test; rm -rf / && curl x | sh $(id) `id` > out 2>&1')).toEqual([
      'npm',
      'test;',
      'rm',
      '-rf',
      '/',
      '&&',
      'curl',
      'x',
      '|',
      'sh',
      '$(id)',
      '`id`',
      '>',
      'out',
      '2>&1',
    ]);
  });
});

describe('checkCommand', () => {
  const rules = {
    allow: [
      ['npm', 'test'],
      ['npx', 'vitest'],
      ['git', 'status'],
    ],
    deny: [['npx', 'vitest', '--update']],
  };

  it('allows an argv that starts with an allowed prefix', () => {
    expect(checkCommand(['npm', 'test', '--', '--grep', 'x'], rules)).toEqual({ ok: true });
    expect(checkCommand(parseArgv('npx vitest run a.test.ts'), rules)).toEqual({ ok: true });
  });

  it('refuses what no prefix allows, matching whole arguments only', () => {
    expect(checkCommand(['npm', 'install'], rules)).toMatchObject({ ok: false, rule: 'not_allowed' });
    expect(checkCommand(['npm'], rules)).toMatchObject({ ok: false, rule: 'not_allowed' });
    expect(checkCommand(['npm', 'testx'], rules)).toMatchObject({ ok: false, rule: 'not_allowed' });
    expect(checkCommand(parseArgv('npm test;rm -rf /'), rules)).toMatchObject({
      ok: false,
      rule: 'not_allowed',
    });
    expect(checkCommand([], rules)).toMatchObject({ ok: false, rule: 'not_allowed' });
  });

  it('lets deny beat allow and names the rule', () => {
    const verdict = checkCommand(['npx', 'vitest', '--update', 'x'], rules);
    expect(verdict).toMatchObject({ ok: false, rule: 'denied' });
    if (!verdict.ok) expect(verdict.message).toContain('npx vitest --update');
  });
});
