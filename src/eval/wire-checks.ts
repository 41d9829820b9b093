/** Text of every string a request body sends the model: system blocks, messages, tool results. */
export function wireTexts(bodies: readonly string[]): string[] {
  const out: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(visit);
  };
  for (const body of bodies) {
    const parsed = JSON.parse(body) as { system?: unknown; messages?: unknown };
    visit(parsed.system);
    visit(parsed.messages);
  }
  return out;
}

/** The strings of `secrets` found anywhere in what was sent. */
export function leakedSecrets(texts: readonly string[], secrets: readonly string[]): string[] {
  return secrets.filter((secret) => texts.some((t) => t.includes(secret)));
}

const OPEN = /<(repo-data(?:-[0-9a-f]+)?)(?:\s[^>]*)?>/g;

/**
 * Occurrences of `marker` that are not inside a repository-data block: the block must open before it and its
 * own closing tag (the same tag name) must come after it. Returns one line per occurrence outside.
 */
export function markersOutsideData(texts: readonly string[], marker: string): string[] {
  const outside: string[] = [];
  texts.forEach((text, n) => {
    const blocks: Array<{ start: number; end: number }> = [];
    for (const open of text.matchAll(OPEN)) {
      const close = text.indexOf(`</${open[1]}>`, open.index + open[0].length);
      blocks.push({ start: open.index, end: close === -1 ? text.length : close });
    }
    let at = text.indexOf(marker);
    while (at !== -1) {
      if (!blocks.some((b) => b.start < at && at < b.end))
        outside.push(`text ${n}, offset ${at}: ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 40))}`);
      at = text.indexOf(marker, at + 1);
    }
  });
  return outside;
}
