import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICING, FALLBACK_PRICE, costUsd, priceFor } from '../../src/model/pricing.js';
import { DEFAULT_RETRY, backoffMs, parseRetryAfter } from '../../src/model/retry.js';

describe('retry timing', () => {
  it('reads retry-after-ms, retry-after in seconds and as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250' }), now)).toBe(250);
    expect(parseRetryAfter(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined();
  });

  it('backs off exponentially with jitter between half and all of the ceiling, capped', () => {
    const policy = { ...DEFAULT_RETRY, baseDelayMs: 1000, maxDelayMs: 4000 };
    expect([0, 1, 2, 3].map((n) => backoffMs(n, policy, 0))).toEqual([500, 1000, 2000, 2000]);
    expect([0, 1, 2, 3].map((n) => backoffMs(n, policy, 1))).toEqual([1000, 2000, 4000, 4000]);
    expect(backoffMs(0, policy, 0.3, 7000)).toBe(7000);
  });
});

describe('pricing', () => {
  it('finds a model by exact name, then by the longest prefix, else prices it like the dearest', () => {
    expect(priceFor('claude-haiku-4-5')).toBe(DEFAULT_PRICING['claude-haiku-4-5']);
    expect(priceFor('claude-sonnet-4-6-20260101')).toBe(DEFAULT_PRICING['claude-sonnet-4']);
    expect(priceFor('claude-opus-4-1-20250805')).toBe(DEFAULT_PRICING['claude-opus-4-1']);
    expect(priceFor('someone-elses-model')).toBe(FALLBACK_PRICE);
    const mine = { inputPerMTok: 1, outputPerMTok: 2, cacheReadPerMTok: 0.1, cacheWritePerMTok: 1.25 };
    expect(priceFor('claude-sonnet-4-6', { 'claude-sonnet-4-6': mine })).toBe(mine);
  });

  it('bills each kind of token at its own rate', () => {
    const price = DEFAULT_PRICING['claude-sonnet-4']!;
    const usage = { uncachedInput: 1_000_000, output: 100_000, cacheRead: 2_000_000, cacheWrite: 400_000 };
    expect(costUsd(usage, price)).toBeCloseTo(3 + 1.5 + 0.6 + 1.5, 10);
  });
});
