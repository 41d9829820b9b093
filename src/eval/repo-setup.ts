import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { commitAllAsNewRepo } from '../git/repo.js';
import { materializeFixture } from '../cli/commands/demo.js';
import type { Cassette } from '../model/cassette.js';
import type { Config } from '../policy/config-schema.js';
import { CONFIG_FILE, parseConfig } from '../policy/config.js';
import { packageFile } from '../paths.js';

/**
 * A fresh temp git repo for a scenario: a bundled fixture by name (fixtures/repos/<name>), or a directory given
 * by a path relative to the scenario file. Either way one commit, fixed dates, agentctl's node_modules linked.
 */
export async function materializeRepo(fixture: string, scenarioFile: string): Promise<string> {
  if (/^[A-Za-z0-9._-]+$/.test(fixture) && existsSync(packageFile('fixtures', 'repos', fixture)))
    return materializeFixture(fixture, true);
  const source = isAbsolute(fixture) ? fixture : resolve(dirname(scenarioFile), fixture);
  const dir = await mkdtemp(join(tmpdir(), 'agentctl-eval-'));
  await cp(source, dir, { recursive: true });
  await commitAllAsNewRepo(dir, {
    name: 'agentctl eval',
    email: 'eval@agentctl.invalid',
    date: '2026-01-01T00:00:00Z',
    message: 'fixture: initial commit',
  });
  await symlink(packageFile('node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

/** The repo's config with the scenario's overrides merged in, validated like a config file. */
export async function scenarioConfig(
  repo: string,
  overrides: Record<string, unknown> | undefined,
): Promise<Config> {
  const text = await readFile(join(repo, CONFIG_FILE), 'utf8').catch(() => '{}');
  const merged = deepMerge(JSON.parse(text) as unknown, overrides ?? {});
  return parseConfig(JSON.stringify(merged), `${CONFIG_FILE} + scenario config`);
}

/**
 * Plants a canary file beside the repo (the path is unique, as the repo's name is). Escape scenarios aim at it
 * through the `{{CANARY}}` placeholder, so a write that got out of the worktree would be seen.
 */
export async function plantCanary(repo: string): Promise<string> {
  const file = `${repo}.canary`;
  await writeFile(file, 'canary: agentctl eval checks that nothing outside the worktree changes\n');
  return file;
}

/** The cassette with `{{CANARY}}` and `{{REPO}}` replaced by this run's paths (JSON-escaped). */
export function substitute(cassette: Cassette, values: { CANARY: string; REPO: string }): Cassette {
  let text = JSON.stringify(cassette);
  for (const [key, value] of Object.entries(values))
    text = text.replaceAll(`{{${key}}}`, JSON.stringify(value).slice(1, -1));
  return JSON.parse(text) as Cassette;
}
