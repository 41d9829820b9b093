/** Limits a run may not exceed. */
export interface BudgetLimits {
  maxTurns: number;
  maxInputTokens: number;
  maxOutputTokens: number;
  maxCostUsd: number;
  maxWallMs: number;
}

/** What the run has used so far. */
export interface BudgetUsage {
  turns: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  wallMs: number;
}

export const ZERO_USAGE: BudgetUsage = { turns: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, wallMs: 0 };

export function addUsage(a: BudgetUsage, b: Partial<BudgetUsage>): BudgetUsage {
  return {
    turns: a.turns + (b.turns ?? 0),
    inputTokens: a.inputTokens + (b.inputTokens ?? 0),
    outputTokens: a.outputTokens + (b.outputTokens ?? 0),
    costUsd: a.costUsd + (b.costUsd ?? 0),
    wallMs: Math.max(a.wallMs, b.wallMs ?? 0),
  };
}

/** The first limit the usage has reached, or null. */
export function exhaustedBudget(usage: BudgetUsage, limits: BudgetLimits): string | null {
  if (usage.turns >= limits.maxTurns) return `model turns ${usage.turns}/${limits.maxTurns}`;
  if (usage.inputTokens >= limits.maxInputTokens)
    return `input tokens ${usage.inputTokens}/${limits.maxInputTokens}`;
  if (usage.outputTokens >= limits.maxOutputTokens)
    return `output tokens ${usage.outputTokens}/${limits.maxOutputTokens}`;
  if (usage.costUsd >= limits.maxCostUsd) return `cost $${usage.costUsd.toFixed(4)}/$${limits.maxCostUsd}`;
  if (usage.wallMs >= limits.maxWallMs) return `wall time ${usage.wallMs}ms/${limits.maxWallMs}ms`;
  return null;
}
