import type { ModelPrice } from '../policy/config-schema.js';

/**
 * Estimated list prices in USD per million tokens, from Anthropic's and OpenAI's public pricing pages (Anthropic:
 * 5-minute cache writes; OpenAI caches on its own and bills no write, so a write costs plain input). They only
 * feed the cost budget; set `pricing` in agentctl.config.json when yours differ.
 */
export const DEFAULT_PRICING: Readonly<Record<string, ModelPrice>> = {
  'claude-fable-5': price(10, 50, 1, 12.5),
  'claude-mythos-5': price(10, 50, 1, 12.5),
  'claude-opus-5': price(5, 25, 0.5, 6.25),
  'claude-opus-4-8': price(5, 25, 0.5, 6.25),
  'claude-opus-4-7': price(5, 25, 0.5, 6.25),
  'claude-opus-4-6': price(5, 25, 0.5, 6.25),
  'claude-opus-4-5': price(5, 25, 0.5, 6.25),
  'claude-opus-4-1': price(15, 75, 1.5, 18.75),
  'claude-opus-4': price(15, 75, 1.5, 18.75),
  'claude-sonnet-4': price(3, 15, 0.3, 3.75),
  'claude-haiku-4-5': price(1, 5, 0.1, 1.25),
  'claude-3-5-haiku': price(0.8, 4, 0.08, 1),
  'gpt-5': price(1.25, 10, 0.125, 1.25),
  'gpt-5-mini': price(0.25, 2, 0.025, 0.25),
  'gpt-5-nano': price(0.05, 0.4, 0.005, 0.05),
  'gpt-4.1': price(2, 8, 0.5, 2),
  'gpt-4.1-mini': price(0.4, 1.6, 0.1, 0.4),
  'gpt-4.1-nano': price(0.1, 0.4, 0.025, 0.1),
  'gpt-4o': price(2.5, 10, 1.25, 2.5),
  'gpt-4o-mini': price(0.15, 0.6, 0.075, 0.15),
  o1: price(15, 60, 7.5, 15),
  'o1-mini': price(1.1, 4.4, 0.55, 1.1),
  o3: price(2, 8, 0.5, 2),
  'o3-mini': price(1.1, 4.4, 0.55, 1.1),
  'o4-mini': price(1.1, 4.4, 0.275, 1.1),
};

/** An unknown model is priced like the dearest one in the table, so the cost budget errs on the safe side. */
export const FALLBACK_PRICE: ModelPrice = price(15, 75, 1.5, 18.75);

function price(input: number, output: number, cacheRead: number, cacheWrite: number): ModelPrice {
  return {
    inputPerMTok: input,
    outputPerMTok: output,
    cacheReadPerMTok: cacheRead,
    cacheWritePerMTok: cacheWrite,
  };
}

/** Token counts of one response, split the way the API bills them. */
export interface TokenUsage {
  /** Input tokens neither read from nor written to the cache. */
  uncachedInput: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/**
 * The price of a model: an exact entry, else the longest entry that prefixes the name (so dated ids such as
 * `claude-sonnet-4-5-20250929` find `claude-sonnet-4`), else the fallback. `overrides` win over the defaults.
 */
export function priceFor(model: string, overrides: Readonly<Record<string, ModelPrice>> = {}): ModelPrice {
  for (const table of [overrides, DEFAULT_PRICING]) {
    const exact = table[model];
    if (exact !== undefined) return exact;
  }
  const table = { ...DEFAULT_PRICING, ...overrides };
  const prefix = Object.keys(table)
    .filter((key) => model.startsWith(key))
    .sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? FALLBACK_PRICE : table[prefix]!;
}

/**
 * What the run says about a model the price table does not know (it is priced as the dearest, so the cost budget
 * stops early rather than late), or null when the model has a price.
 */
export function priceNote(
  model: string,
  overrides: Readonly<Record<string, ModelPrice>> = {},
): string | null {
  const table = { ...DEFAULT_PRICING, ...overrides };
  if (Object.keys(table).some((key) => model.startsWith(key))) return null;
  return `no price is known for model "${model}": it is priced as the dearest known model (${FALLBACK_PRICE.inputPerMTok} USD per million input tokens, ${FALLBACK_PRICE.outputPerMTok} per million output tokens); set "pricing" in agentctl.config.json to give its real price`;
}

/** USD for one response. */
export function costUsd(usage: TokenUsage, price: ModelPrice): number {
  return (
    (usage.uncachedInput * price.inputPerMTok +
      usage.output * price.outputPerMTok +
      usage.cacheRead * price.cacheReadPerMTok +
      usage.cacheWrite * price.cacheWritePerMTok) /
    1_000_000
  );
}
