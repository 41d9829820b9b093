import { RULES, type CiVerdict, type RuleId } from './verdict.js';

function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** JUnit XML with one testcase per check, failing with the check's findings. */
export function renderJunit(v: CiVerdict): string {
  const failures = v.checks.filter((c) => c.status === 'fail').length;
  const skipped = v.checks.filter((c) => c.status === 'skipped').length;
  const cases = v.checks.map((c) => {
    const open = `    <testcase classname="agentctl.ci.check" name="${xml(c.title)}">`;
    if (c.status === 'pass')
      return `${open}\n      <system-out>${xml(c.summary)}</system-out>\n    </testcase>`;
    if (c.status === 'skipped')
      return `${open}\n      <skipped message="${xml(c.summary)}"/>\n    </testcase>`;
    const lines = v.findings
      .filter((f) => f.check === c.id)
      .map((f) => `${f.file ?? ''}${f.line !== undefined ? `:${f.line}` : ''} ${f.message}`.trim());
    return `${open}\n      <failure message="${xml(c.summary)}" type="${c.id}">${xml(lines.join('\n'))}</failure>\n    </testcase>`;
  });
  const counts = `tests="${v.checks.length}" failures="${failures}" errors="0" skipped="${skipped}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="agentctl ci check" ${counts}>`,
    `  <testsuite name="agentctl ci check" ${counts}>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** SARIF 2.1.0 with one result per finding, located at its file and line when it has them. */
export function renderSarif(v: CiVerdict): object {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'agentctl',
            rules: (Object.keys(RULES) as RuleId[]).map((id) => ({
              id,
              shortDescription: { text: RULES[id] },
            })),
          },
        },
        results: v.findings.map((f) => ({
          ruleId: f.rule,
          level: 'error',
          message: { text: f.message },
          ...(f.file !== undefined
            ? {
                locations: [
                  {
                    physicalLocation: {
                      artifactLocation: { uri: f.file },
                      ...(f.line !== undefined ? { region: { startLine: f.line } } : {}),
                    },
                  },
                ],
              }
            : {}),
          ...(f.testId !== undefined ? { properties: { testId: f.testId } } : {}),
        })),
      },
    ],
  };
}
