/** One repo-data block found in text the model was sent. */
export interface FoundBlock {
  tag: string;
  source: string;
  body: string;
}

const OPEN = /<(repo-data-[0-9a-f]{16}) source=("(?:[^"\\]|\\.)*")>\n/g;

/**
 * The outermost repo-data blocks of `text`, each ending at the first closing tag with its own id (what the model is
 * told ends a block). A block opened but never closed is an error: the encoder always closes what it opens.
 */
export function dataBlocksIn(text: string): FoundBlock[] {
  const blocks: FoundBlock[] = [];
  OPEN.lastIndex = 0;
  for (let open = OPEN.exec(text); open !== null; open = OPEN.exec(text)) {
    const [whole, tag = '', source = ''] = open;
    const close = text.indexOf(`\n</${tag}>`, open.index + whole.length - 1);
    if (close < 0) throw new Error(`block ${tag} is never closed`);
    blocks.push({
      tag,
      source: JSON.parse(source) as string,
      body: text.slice(open.index + whole.length, close),
    });
    OPEN.lastIndex = close + `\n</${tag}>`.length;
  }
  return blocks;
}

/** The text of `text` outside every repo-data block: what the model may read as not being data. */
export function outsideBlocks(text: string): string {
  let rest = text;
  for (const block of dataBlocksIn(text)) {
    const whole = `<${block.tag} source=`;
    const start = rest.indexOf(whole);
    const end = rest.indexOf(`\n</${block.tag}>`, start) + `\n</${block.tag}>`.length;
    rest = rest.slice(0, start) + rest.slice(end);
  }
  return rest;
}
