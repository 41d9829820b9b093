import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parseConfig } from '../../src/policy/config.js';
import { pathClassifier } from '../../src/policy/path-kinds.js';

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
});
