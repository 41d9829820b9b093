import type { ScenarioResult } from './suite.js';

function pad(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n);
}

/** The scored table: one row per scenario (expected and observed phase/attempts), failures' checks, totals. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const width = Math.max(8, ...results.map((r) => r.name.length));
  const cell = (r: ScenarioResult, side: 'expected' | 'observed') => {
    const phase = r.checks.find((c) => c.field === 'phase')?.[side] ?? '?';
    const attempts = r.checks.find((c) => c.field === 'attempts')?.[side];
    return attempts === undefined ? phase : `${phase}/${attempts}`;
  };
  const lines = [`${pad('scenario', width)}  ${pad('expected', 20)}  ${pad('observed', 20)}  result   time`];
  for (const r of results) {
    lines.push(
      `${pad(r.name, width)}  ${pad(cell(r, 'expected'), 20)}  ${pad(cell(r, 'observed'), 20)}  ${r.pass ? 'pass' : 'FAIL'}   ${(r.durationMs / 1000).toFixed(1)}s`,
    );
    for (const c of r.checks.filter((x) => !x.ok))
      lines.push(`${' '.repeat(width)}    ${c.field}: expected ${c.expected}, observed ${c.observed}`);
  }
  const passed = results.filter((r) => r.pass).length;
  const failed = results.filter((r) => !r.pass).map((r) => r.name);
  lines.push('');
  lines.push(
    `${passed}/${results.length} passed${failed.length > 0 ? `; failed: ${failed.join(', ')}` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}
