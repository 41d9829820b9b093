import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { MAX_CONFIG_DEPTH, parseConfig } from '../../src/policy/config.js';
import { pathClassifier } from '../../src/policy/path-kinds.js';
import { agentctl } from '../helpers/cli.js';
import { fixtureRepo } from '../helpers/fixture-repo.js';

describe('agentctl.config.json', () => {
  it('fills every section with its defaults from a minimal file', () => {
    const config = parseConfig('{"test":{"runner":"node"}}');
    expect(config.repair.maxAttempts).toBe(3);
    expect(config.paths.allow).toEqual(['**']);
    expect(config.paths.deny).toContain('.github/**');
    // Unset test globs come from the runner profile: see test/runners/profiles.test.ts.
    expect(config.paths.tests).toBeUndefined();
    expect(pathClassifier(config).kindOf('src/a.test.js')).toBe('test');
    expect(pathClassifier(config).kindOf('vitest.config.ts')).toBe('test_config');
    expect(config.budgets).toMatchObject({ maxTurns: 40, maxCostUsd: 5 });
    expect(config.sandbox).toMatchObject({
      mode: 'auto',
      allowBinaryPatches: false,
      maxPatchBytes: 1024 * 1024,
    });
    expect(config.approval).toMatchObject({ mode: 'prompt', maxAutoApproveLines: 400 });
    expect(config.commands).toEqual({ allow: [], deny: [] });
    expect(config.test.timeoutMs).toBe(300_000);
  });

  it('keeps what the file sets and defaults the rest of that section', () => {
    const config = parseConfig(
      '{"test":{"runner":"jest"},"budgets":{"maxTurns":5},"sandbox":{"mode":"required"}}',
    );
    expect(config.budgets).toMatchObject({ maxTurns: 5, maxInputTokens: 2_000_000 });
    expect(config.sandbox).toMatchObject({ mode: 'required', maxOutputBytes: 1024 * 1024 });
  });

  it('names the field, the value and the fix; unknown keys are errors', () => {
    const attempt = () => parseConfig('{"test":{"runner":"rspec"},"sandbox":{"mode":"maybe"},"colour":1}');
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toMatch(/test\.runner: "rspec" — set "test\.runner" to one of/);
      expect(message).toMatch(/sandbox\.mode: "maybe" — use "auto", "required" or "off"/);
      expect(message).toMatch(/unknown key: colour/);
    }
  });

  it('refuses nesting past the limit before parsing, and accepts it up to the limit', () => {
    const nested = (depth: number) =>
      `{"test":{"runner":"node"},"x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
    expect(() => parseConfig(nested(MAX_CONFIG_DEPTH + 1))).toThrow(
      /nests objects and arrays 33 levels deep; the limit is 32/,
    );
    // At the limit the text parses; the schema then names the unknown key, as for any other mistake.
    expect(() => parseConfig(nested(MAX_CONFIG_DEPTH))).toThrow(/unknown key: x/);
    // Brackets inside strings are text, not nesting.
    expect(
      parseConfig(`{"test":{"runner":"node","command":["node","${'[{'.repeat(100)}"]}}`).test.runner,
    ).toBe('node');
  });
});

describe('agentctl.config.json through the CLI: bad input is exit 2, never a crash', () => {
  it.each([
    [
      '100,000 levels deep',
      `{"test":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      /nests objects and arrays 100001 levels deep/,
    ],
    [
      '2 MiB',
      `{"test":{"runner":"node"},"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`,
      /is \d+ bytes; the limit is 1048576 bytes/,
    ],
  ])('a config %s', async (_name, text, message) => {
    const repo = await fixtureRepo('calc-node');
    await writeFile(join(repo, 'agentctl.config.json'), text);
    const r = await agentctl(['fix', 'average of [] is 0', '--model', 'scripted:nothing.json'], repo);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/internal error|RangeError|stack/i);
  });
});
