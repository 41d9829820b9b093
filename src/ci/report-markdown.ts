import type { CheckResult, CiVerdict, Finding } from './verdict.js';

const MARK: Record<CheckResult['status'], string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  skipped: '➖ skipped',
};

/** A table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

function where(f: Finding): string {
  if (f.file === undefined) return '';
  return `\`${f.file}${f.line !== undefined ? `:${f.line}` : ''}\` — `;
}

/** Existing tests the pull request rewrote, each old → new, as a diff block per test. */
function changedExpectations(v: CiVerdict): string[] {
  const changed = v.evidence.filter((e) => e.changedExpectation !== undefined);
  if (changed.length === 0) return [];
  const out = ['', '### Changed expectations', ''];
  for (const e of changed) {
    const fence = (l: string) => l.replace(/```/g, "'''");
    out.push(
      `\`${e.id}\` ${e.counts ? 'fails on base by assertion and passes on head' : 'does not count as evidence'}:`,
      '',
      '```diff',
      ...(e.changedExpectation?.old ?? []).map((l) => `- ${fence(l)}`),
      ...(e.changedExpectation?.new ?? []).map((l) => `+ ${fence(l)}`),
      '```',
      '',
    );
  }
  return out;
}

/** The check's verdict as GitHub-flavoured Markdown: checks, findings, new tests, changed files. */
export function renderMarkdown(v: CiVerdict): string {
  const out: string[] = [];
  out.push(`## ${v.ok ? '✅ agentctl ci check passed' : '❌ agentctl ci check failed'}`, '');
  const fork = v.mergeBase === v.base ? '' : ` (merge base \`${v.mergeBase.slice(0, 12)}\`)`;
  out.push(`Base \`${v.base.slice(0, 12)}\`${fork} → head \`${v.head.slice(0, 12)}\``, '');
  if (v.sandboxed === true)
    out.push('Tests ran sandboxed (bubblewrap: an allowlisted view of the host, no network).', '');
  if (v.sandboxed === false)
    out.push('⚠️ Tests ran **without** a sandbox (bubblewrap is not available here).', '');
  out.push('| Check | Result | Details |', '| --- | --- | --- |');
  for (const c of v.checks) out.push(`| ${c.title} | ${MARK[c.status]} | ${cell(c.summary)} |`);
  if (v.findings.length > 0) {
    out.push('', '### Why it failed', '');
    for (const f of v.findings) out.push(`- ${where(f)}${f.message.replace(/\r?\n/g, ' ')} (\`${f.rule}\`)`);
  }
  if (v.evidence.length > 0) {
    out.push(
      '',
      '### New and changed tests',
      '',
      '| Test | On base | On head | Evidence |',
      '| --- | --- | --- | --- |',
    );
    for (const e of v.evidence) {
      const stubs = e.stubbed.length > 0 ? ` (stubbed: ${e.stubbed.join(', ')})` : '';
      out.push(
        `| \`${cell(e.id)}\` | ${cell(e.onBase)}${cell(stubs)} | ${e.onHead} | ${e.counts ? '✅' : '—'} |`,
      );
    }
  }
  out.push(...changedExpectations(v));
  if (v.changes.length > 0) {
    out.push(
      '',
      '### Changed files',
      '',
      '| File | Kind | Changes behavior | Why |',
      '| --- | --- | --- | --- |',
    );
    for (const c of v.changes)
      out.push(
        `| \`${cell(c.path)}\` | ${c.category} | ${c.behaviorChanging ? 'yes' : 'no'} | ${cell(c.reason)} |`,
      );
  }
  for (const run of v.runnerOutput ?? []) {
    out.push('', `### Runner output on ${run.side}`, '', run.message, '');
    out.push('```text', run.outputTail.replace(/```/g, "'''") || '(it printed nothing)', '```');
  }
  if (v.notes.length > 0) out.push('', ...v.notes.map((n) => `> ${n.replace(/\r?\n/g, ' ')}`));
  return `${out.join('\n')}\n`;
}
