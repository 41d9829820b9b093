// The promptCache step of `npm run bench`: what the prompt costs over a whole gated run, turn by turn.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

const MODEL = 'claude-sonnet-4-6';

/** A cassette's turns as the loopback Messages API plays them. */
async function repliesOf(file) {
  const cassette = JSON.parse(await readFile(file, 'utf8'));
  const replies = cassette.turns.map((t) => ({
    kind: 'turn',
    ...(t.text === undefined ? {} : { text: t.text }),
    calls: t.calls.map((c) => ({ name: c.name, input: c.input })),
  }));
  return { task: cassette.task, replies };
}

const pct = (part, whole) => (whole === 0 ? '0%' : `${((100 * part) / whole).toFixed(1)}%`);

/**
 * Runs the calc-node demo (ORIENT, AUTHOR_TEST with a refused proposal, AUTHOR_FIX with a failed fix, then review
 * and commit) with the real Anthropic provider against the loopback Messages API, which accounts cache reads and
 * writes as the API does. Returns summary rows for the main table and a per-turn section in Markdown.
 */
export async function measurePromptCache(root, dist) {
  const server = await dist('src/eval/messages-api-server.js');
  const { AnthropicProvider } = await dist('src/model/anthropic.js');
  const { materializeFixture } = await dist('src/cli/commands/demo.js');
  const { startFix } = await dist('src/runtime/session.js');
  const { policyApprover } = await dist('src/policy/approval.js');
  const { priceFor, costUsd } = await dist('src/model/pricing.js');
  const { task, replies } = await repliesOf(join(root, 'fixtures/cassettes/calc-node/demo.json'));
  const api = await server.startMockMessagesApi();
  const repo = await materializeFixture('calc-node', false);
  try {
    api.enqueue(...replies);
    const model = new AnthropicProvider({ model: MODEL, apiKey: 'test-key', baseURL: api.url });
    const quiet = { entry() {}, effectStarted() {}, transitioned() {}, note() {} };
    const r = await startFix(repo, task, { model, approver: policyApprover(400), progress: quiet });
    if (r.state.phase !== 'DONE') throw new Error(`the demo run ended ${r.state.phase}, not DONE: no figure`);
    const price = priceFor(MODEL);
    const turns = [];
    let previous = null;
    for (const [i, q] of api.requests.entries()) {
      const u = q.usage;
      if (u === undefined) throw new Error(`request ${i + 1} got no usage: no figure`);
      const tools = (q.body.tools ?? []).map((t) => t.name).join(',');
      const units = server.cacheUnits(q.body);
      const last = units.findLastIndex((x) => x.mark);
      const prefixBytes = units.slice(0, last + 1).reduce((s, x) => s + Buffer.byteLength(x.text), 0);
      const input = u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
      const changed = previous !== null && previous.tools !== tools;
      turns.push({
        n: i + 1,
        tools: (q.body.tools ?? []).length,
        phaseChange: changed,
        input,
        read: u.cache_read_input_tokens,
        write: u.cache_creation_input_tokens,
        uncached: u.input_tokens,
        // What the previous request had cached that this one could not read: the cost of the new tool list.
        rewritten: changed
          ? Math.max(0, server.standInTokens(previous.prefixBytes) - u.cache_read_input_tokens)
          : 0,
        cost: costUsd(
          {
            uncachedInput: u.input_tokens,
            output: u.output_tokens,
            cacheRead: u.cache_read_input_tokens,
            cacheWrite: u.cache_creation_input_tokens,
          },
          price,
        ),
        uncachedCost: costUsd(
          { uncachedInput: input, output: u.output_tokens, cacheRead: 0, cacheWrite: 0 },
          price,
        ),
      });
      previous = { tools, prefixBytes };
    }
    const sum = (k) => turns.reduce((s, t) => s + t[k], 0);
    const changes = turns.filter((t) => t.phaseChange);
    const phaseOf = phaseNames(api.requests);
    const lines = [
      '## Prompt cache over a 3-phase run',
      '',
      `calc-node demo run (ORIENT → AUTHOR_TEST → AUTHOR_FIX → review → commit, ${turns.length} model requests) with the real Anthropic provider (${MODEL}) against the loopback Messages API. Token counts come from a stand-in tokenizer, ${server.TOKENIZER_STAND_IN}; the server reads a prefix from the cache when it was written at a breakpoint before (looking back up to 20 blocks from each breakpoint, as the API does) and writes the rest up to the last breakpoint. Costs at ${MODEL}'s list prices.`,
      '',
      '| turn | phase | tools | input tokens | cache read | cache write | uncached | cached share | phase change rewrote |',
      '|---|---|---|---|---|---|---|---|---|',
      ...turns.map(
        (t, i) =>
          `| ${t.n} | ${phaseOf[i]} | ${t.tools} | ${t.input} | ${t.read} | ${t.write} | ${t.uncached} | ${pct(t.read, t.input)} | ${t.phaseChange ? `${t.rewritten} tokens` : ''} |`,
      ),
      `| all | | | ${sum('input')} | ${sum('read')} | ${sum('write')} | ${sum('uncached')} | ${pct(sum('read'), sum('input'))} | ${sum('rewritten')} tokens |`,
      '',
      `Model cost of the run (input and output): $${sum('cost').toFixed(4)} with caching, $${sum('uncachedCost').toFixed(4)} if nothing were cached. The ${changes.length} phase changes wrote ${changes.reduce((s, t) => s + t.write, 0)} tokens to the cache, of which ${sum('rewritten')} had been cached under the previous tool list.`,
      '',
    ];
    const rows = [
      {
        name: 'prompt cache: cached share of input over a 3-phase run',
        value: pct(sum('read'), sum('input')),
        baseline: '',
        ratio: '',
        note: `${sum('read')} of ${sum('input')} input tokens read from the cache over ${turns.length} requests (loopback API, bytes/4 tokens)`,
      },
      {
        name: 'prompt cache: tokens rewritten per phase change',
        value: `${Math.round(sum('rewritten') / Math.max(1, changes.length))} tokens`,
        baseline: '',
        ratio: '',
        note: `mean over ${changes.length} phase changes: the previous prefix the new tool list could not read`,
      },
    ];
    return { rows, section: lines.join('\n') };
  } finally {
    await api.close();
    await rm(repo, { recursive: true, force: true });
  }
}

/** The phase of each request, read from the runtime's own phase note in the last user turn that carries one. */
function phaseNames(requests) {
  let phase = '?';
  return requests.map((q) => {
    const last = q.body.messages.at(-1);
    const text = JSON.stringify(last?.content ?? '');
    const match = /Phase: ([A-Z_]+)\./.exec(text);
    if (match) phase = match[1];
    return phase;
  });
}
