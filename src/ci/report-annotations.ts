import type { CiVerdict } from './verdict.js';

// GitHub's workflow-command escaping: data escapes %, CR, LF; property values also ':' and ','.
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One `::error file=…,line=…,title=…::message` workflow command per finding, for GitHub Actions. */
export function renderAnnotations(v: CiVerdict): string {
  return v.findings
    .map((f) => {
      const props = [
        ...(f.file !== undefined ? [`file=${escapeProperty(f.file)}`] : []),
        ...(f.line !== undefined ? [`line=${f.line}`] : []),
        `title=${escapeProperty(`agentctl ci check: ${f.rule}`)}`,
      ];
      return `::error ${props.join(',')}::${escapeData(f.message)}\n`;
    })
    .join('');
}
