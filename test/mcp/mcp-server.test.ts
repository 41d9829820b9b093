import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, agentctl, resultLine } from '../helpers/cli.js';
import { cassettePath, fixtureRepo, gitOut } from '../helpers/fixture-repo.js';

/** The proposals a shipped cassette makes, by tool, in order: the patches a host would hand over. */
async function proposals(scenario: string, tool: string): Promise<Record<string, unknown>[]> {
  const cassette = JSON.parse(await readFile(cassettePath('calc-node', scenario), 'utf8')) as {
    turns: Array<{ calls?: Array<{ name: string; input: Record<string, unknown> }> }>;
  };
  return cassette.turns.flatMap((t) => (t.calls ?? []).filter((c) => c.name === tool).map((c) => c.input));
}

/** The environment of the test process, as the string map the transport takes. */
function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: '1' };
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && k !== 'AGENTCTL_RUN_ID') env[k] = v;
  return env;
}

/** The text a host's model reads from a result. */
function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

const LONG = { timeout: 240_000, resetTimeoutOnProgress: true };

describe('agentctl mcp over stdio, driven by the SDK client', { timeout: 300_000 }, () => {
  let repo: string;
  let client: Client;
  let stderr = '';
  const transportErrors: Error[] = [];

  beforeAll(async () => {
    repo = await fixtureRepo('calc-node');
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp'],
      cwd: repo,
      env: inheritedEnv(),
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    client = new Client({ name: 'agentctl-test', version: '1.0.0' });
    client.onerror = (err) => transportErrors.push(err);
    await client.connect(transport);
  });

  afterAll(async () => {
    await client?.close();
  });

  const call = async (name: string, args: Record<string, unknown>, onprogress?: () => void) =>
    (await client.callTool({ name, arguments: args }, undefined, {
      ...LONG,
      ...(onprogress ? { onprogress } : {}),
    })) as CallToolResult;

  it('lists every tool with its input and output schemas and says which are read-only', async () => {
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual(
      ['ci_check', 'gated_apply', 'get_run', 'run_show', 'start_fix', 'verify_red'].sort(),
    );
    for (const tool of tools) {
      expect(tool.inputSchema.type, tool.name).toBe('object');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
      expect(tool.description?.length ?? 0, tool.name).toBeGreaterThan(40);
    }
    for (const name of ['verify_red', 'get_run', 'ci_check', 'run_show'])
      expect(byName.get(name)?.annotations?.readOnlyHint, name).toBe(true);
    for (const name of ['gated_apply', 'start_fix'])
      expect(byName.get(name)?.annotations?.readOnlyHint, name).toBe(false);
    // The patch schema is the one propose_test validates with: summary plus edits or a diff.
    const test = (byName.get('verify_red')?.inputSchema.properties as Record<string, { properties?: object }>)
      .test;
    expect(Object.keys(test?.properties ?? {}).sort()).toEqual([
      'changedExpectations',
      'diff',
      'edits',
      'summary',
    ]);
    const red = (byName.get('verify_red')?.outputSchema?.properties as Record<string, object>).red;
    expect(JSON.stringify(red)).toMatch(/wrong_reason/);
  });

  it('verify_red accepts a test that fails by assertion and changes nothing in the checkout', async () => {
    const [test] = await proposals('happy-path', 'propose_test');
    let progress = 0;
    const result = await call('verify_red', { test }, () => (progress += 1));
    expect(result.isError, JSON.stringify(result.content) + stderr).toBeFalsy();
    const out = result.structuredContent as {
      accepted: boolean;
      red: { reason: string; newTestIds: string[] };
    };
    expect(out.accepted).toBe(true);
    expect(out.red.reason).toBe('red');
    expect(out.red.newTestIds.join()).toMatch(/average of an empty list is 0/);
    expect(progress).toBeGreaterThan(0);
    expect(await gitOut(repo, ['status', '--porcelain'])).toBe('');
    expect(await gitOut(repo, ['branch', '--list', 'agentctl/*'])).toBe('');
  });

  it('verify_red refuses a test that already passes on HEAD', async () => {
    const [passing] = await proposals('already-passing', 'propose_test');
    const result = await call('verify_red', { test: passing });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const out = result.structuredContent as { accepted: boolean; red: { reason: string }; message: string };
    expect(out.accepted).toBe(false);
    expect(out.red.reason).toBe('passes');
    expect(out.message).toMatch(/pass/);
  });

  it('gated_apply commits test and fix on agentctl/<run-id>, with evidence', async () => {
    const [test] = await proposals('happy-path', 'propose_test');
    const [fix] = await proposals('happy-path', 'propose_fix');
    const result = await call('gated_apply', { test, fix });
    expect(result.isError, JSON.stringify(result.content) + stderr).toBeFalsy();
    const out = result.structuredContent as {
      runId: string;
      committed: boolean;
      branch: string;
      commit: string;
      exitCode: number;
      evidence: string;
      verdicts: Array<{ gate: string; verdict: { ok: boolean } }>;
    };
    expect(out.committed).toBe(true);
    expect(out.exitCode).toBe(0);
    expect(out.branch).toBe(`agentctl/${out.runId}`);
    expect(await gitOut(repo, ['rev-parse', out.branch])).toBe(out.commit);
    expect(await gitOut(repo, ['show', `${out.branch}:test/average-empty.test.js`])).toMatch(
      /average\(\[\]\)/,
    );
    expect(await gitOut(repo, ['show', `${out.branch}:src/calc.js`])).toMatch(/numbers\.length === 0/);
    expect(out.verdicts.map((v) => `${v.gate}:${v.verdict.ok}`)).toEqual(['RED:true', 'GREEN:true']);
    await access(out.evidence);
    expect(await gitOut(repo, ['status', '--porcelain'])).toBe('');
  });

  it('ci_check gives the verdict agentctl ci check --json gives, for the branch gated_apply made', async () => {
    const branch = (
      await gitOut(repo, ['branch', '--list', 'agentctl/*', '--format=%(refname:short)'])
    ).split('\n')[0]!;
    const result = await call('ci_check', { base: 'HEAD', head: branch });
    expect(result.isError, textOf(result) + stderr).toBeFalsy();
    const verdict = result.structuredContent as { ok: boolean; evidence: Array<{ counts: boolean }> };
    expect(verdict.ok).toBe(true);
    expect(verdict.evidence.map((e) => e.counts)).toEqual([true]);
    const cli = await agentctl(['ci', 'check', '--base', 'HEAD', '--head', branch, '--json'], repo);
    expect(cli.exitCode, cli.stderr).toBe(0);
    expect(verdict).toEqual(JSON.parse(cli.stdout));
  });

  it('start_fix answers with a run id at once, and get_run follows it to DONE', async () => {
    const cassette = cassettePath('calc-node', 'happy-path');
    const started = await call('start_fix', {
      task: 'average() of an empty list should return 0, not NaN',
      model: `scripted:${cassette}`,
    });
    expect(started.isError, JSON.stringify(started.content) + stderr).toBeFalsy();
    const { runId } = started.structuredContent as { runId: string };
    let view: { status: string; phase: string; branch: string | null; verdicts: Array<{ gate: string }> };
    const deadline = Date.now() + 200_000;
    for (;;) {
      const polled = await call('get_run', { runId });
      expect(polled.isError, JSON.stringify(polled.content)).toBeFalsy();
      view = polled.structuredContent as typeof view;
      if (view.status !== 'running' || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(view.status).toBe('finished');
    expect(view.phase).toBe('DONE');
    expect(view.branch).toBe(`agentctl/${runId}`);
    expect(view.verdicts.map((v) => v.gate)).toEqual(['RED', 'GREEN']);
    const shown = await call('run_show', { runId });
    const entries = (shown.structuredContent as { entries: Array<{ text: string }> }).entries;
    expect(entries.some((e) => /committed .* on agentctl\//.test(e.text))).toBe(true);
  });

  it('answers a bad request with an error result and keeps serving', async () => {
    const unknown = await call('get_run', { runId: 'no-such-run' });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/no run "no-such-run"/);
    const badModel = await call('start_fix', { task: 'anything', model: 'nosuch:model' });
    expect(badModel.isError).toBe(true);
    expect(textOf(badModel)).toMatch(/did not start/);
    const badRef = await call('ci_check', { base: 'no-such-ref' });
    expect(badRef.isError).toBe(true);
    expect(textOf(badRef)).toMatch(/no-such-ref/);
    const { tools } = await client.listTools();
    expect(tools.length).toBe(6);
    expect(transportErrors).toEqual([]);
  });
});

describe('agentctl mcp closing', { timeout: 300_000 }, () => {
  it('interrupts the runs it started when the host closes it, and resume finishes them', async () => {
    const repo = await fixtureRepo('calc-node');
    const client = new Client({ name: 'agentctl-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [BIN, 'mcp'],
        cwd: repo,
        env: inheritedEnv(),
        stderr: 'ignore',
      }),
    );
    const started = (await client.callTool({
      name: 'start_fix',
      arguments: {
        task: 'average() of an empty list should return 0, not NaN',
        model: `scripted:${cassettePath('calc-node', 'happy-path')}`,
      },
    })) as CallToolResult;
    const { runId } = started.structuredContent as { runId: string };
    await client.close();
    // The run stops at a checkpoint once its process has handled the interrupt; wait for that line.
    const journal = join(repo, '.agentctl', 'runs', runId, 'journal.jsonl');
    const deadline = Date.now() + 60_000;
    let last = '';
    while (Date.now() < deadline) {
      last = (await readFile(journal, 'utf8')).trim().split('\n').at(-1) ?? '';
      if (/"type":"(checkpoint|run_finished)"/.test(last)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(last).toMatch(/"type":"checkpoint"/);
    expect(last).toMatch(/"reason":"interrupted"/);
    const resumed = await agentctl(['resume', runId, '--yes', '--json'], repo);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(resultLine(resumed.stdout).branch).toBe(`agentctl/${runId}`);
  });
});
