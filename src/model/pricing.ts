import type { ModelPrice } from '../policy/config-schema.js';

/**
 * Estimated list prices in USD per million tokens (5-minute cache writes), from Anthropic's public pricing page.
 * They only feed the cost budget; set `pricing` in agentctl.config.json when yours differ.
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
