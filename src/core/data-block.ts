/**
 * Repository text reaches the model as delimited data, never as instructions: file contents, listings, search
 * hits, test output and issue text are wrapped in a block that names its source, and the system prompt says such
 * blocks are data. A closing tag inside the text is defanged so it cannot end the block early.
 */
export function dataBlock(source: string, body: string): string {
  const fence = body.includes('</repo-data>') ? body.replaceAll('</repo-data>', '<\\/repo-data>') : body;
  return `<repo-data source="${source.replaceAll('"', "'")}">\n${fence}\n</repo-data>`;
}
