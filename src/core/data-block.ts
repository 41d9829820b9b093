import { sha256Hex } from './sha256.js';

/** Hex digits of the block id: 64 bits, so no content can be written to contain its own block's closing tag. */
const ID_LENGTH = 16;

/** The name of the tag that wraps `body`: a hash of the block itself, so only its own closing tag ends it. */
export function dataBlockTag(source: string, body: string): string {
  const id = sha256Hex(`${source}\0${body}`).slice(0, ID_LENGTH);
  return `repo-data-${id}`;
}

/** The source label as a quoted attribute value: no quote, line break or angle bracket of the label survives. */
function attribute(source: string): string {
  return JSON.stringify(source).replace(
    /[<>\u007f-\u009f\u2028\u2029]/gu,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * The one encoder for repository text sent to the model (file contents, listings, search hits, test reports, gate
 * verdicts, issue text). The body goes in verbatim, between `<repo-data-ID source="...">` and `</repo-data-ID>`, where
 * ID is derived from the source and body by sha256: text inside cannot know the ID of the block that will hold it,
 * so no closing tag it contains (any spelling, case or look-alike) ends the block. The system prompt explains this.
 * Pure: the same input gives the same bytes, which keeps replay and the prompt cache stable.
 */
export function dataBlock(source: string, body: string): string {
  const tag = dataBlockTag(source, body);
  return `<${tag} source=${attribute(source)}>\n${body}\n</${tag}>`;
}
