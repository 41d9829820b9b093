import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProposeFixInput, ProposeTestInput } from '../core/proposals.js';
import { Cassette } from '../model/cassette.js';
import { AGENTCTL_DIR, ensureAgentctlDir } from '../journal/run-store.js';

/** Patches a caller hands over, replayed as a model's proposals. */
export interface PatchProposals {
  test: ProposeTestInput;
  /** Absent: the run stops after RED (verify_red); the cassette gives up in AUTHOR_FIX. */
  fix?: ProposeFixInput;
}

/** Why the scripted proposer stops after RED when it was asked for the RED verdict only. */
export const RED_ONLY_REASON = 'verify_red asked for the RED verdict only; no fix was proposed.';

/**
 * The cassette that plays the caller's patches as a model would propose them: a plan that ends ORIENT, the test
 * patch, then the fix patch (or giving up, for RED alone). The runtime is the same; only the proposer is scripted.
 */
export function patchCassette(name: string, p: PatchProposals): Cassette {
  const fixTurn = p.fix
    ? { expect: 'AUTHOR_FIX' as const, calls: [{ name: 'propose_fix', input: p.fix }] }
    : { expect: 'AUTHOR_FIX' as const, calls: [{ name: 'give_up', input: { reason: RED_ONLY_REASON } }] };
  return Cassette.parse({
    version: 1,
    name,
    description: p.fix
      ? 'Patches handed to agentctl mcp gated_apply: the test must pass RED, the fix GREEN.'
      : 'A test patch handed to agentctl mcp verify_red: judged at RED, then the run stops.',
    turns: [
      { expect: 'ORIENT', text: `Plan: ${p.test.summary}`, calls: [] },
      { expect: 'AUTHOR_TEST', calls: [{ name: 'propose_test', input: p.test }] },
      fixTurn,
    ],
  });
}

/**
 * Writes the cassette under `.agentctl/mcp/` (which git never sees) and returns its path: it stays there so
 * that `agentctl resume` of an interrupted run can replay the same proposals.
 */
export async function writeCassette(root: string, runId: string, cassette: Cassette): Promise<string> {
  await ensureAgentctlDir(root);
  const dir = join(root, AGENTCTL_DIR, 'mcp');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${runId}.json`);
  await writeFile(file, `${JSON.stringify(cassette, null, 2)}\n`);
  return file;
}
