import { z } from 'zod';
import { canonicalJson } from './canonical.js';
import { sha256Hex } from './hash.js';

/**
 * Payload parts whose canonical JSON is longer than this are stored once, as a blob named by its hash, and the
 * journal line carries a reference; a proposal repeated by four events then costs its size once.
 */
export const BLOB_THRESHOLD = 4096;

const PathKey = z.union([z.string(), z.number().int().nonnegative()]);

/** Where in a payload a blob goes, and the SHA-256 and size of its canonical JSON text. */
export const BlobRef = z.strictObject({
  path: z.array(PathKey).min(1),
  sha: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits'),
  bytes: z.number().int().nonnegative(),
});
export type BlobRef = z.infer<typeof BlobRef>;

/** A payload with its large parts replaced by placeholders, the references, and the blob texts to write. */
export interface ShrunkPayload {
  stored: unknown;
  refs: BlobRef[];
  texts: Map<string, string>;
}

/** The string a stored payload holds where a blob was taken out; readable by a person looking at the file. */
export function placeholder(ref: BlobRef): string {
  return `blob sha256:${ref.sha} (${ref.bytes} bytes)`;
}

/**
 * Takes the large parts out of a payload, deepest first: a long string, or an object or array that is still
 * long once its own large parts are out (many small edits), becomes one blob. A node's blob holds the node with
 * its inner placeholders, so no content is stored twice. The root always stays inline. `refs` lists inner
 * blobs before the blobs that contain them.
 */
export function shrinkPayload(payload: unknown, threshold = BLOB_THRESHOLD): ShrunkPayload {
  const refs: BlobRef[] = [];
  const texts = new Map<string, string>();
  const stash = (path: Array<string | number>, text: string): string => {
    const ref = { path, sha: sha256Hex(text), bytes: Buffer.byteLength(text, 'utf8') };
    refs.push(ref);
    texts.set(ref.sha, text);
    return placeholder(ref);
  };
  const visit = (value: unknown, path: Array<string | number>): unknown => {
    if (typeof value === 'string') {
      return path.length > 0 && value.length > threshold ? stash(path, JSON.stringify(value)) : value;
    }
    if (!Array.isArray(value) && !isPlainObject(value)) return value;
    const shrunk = Array.isArray(value)
      ? value.map((item: unknown, i) => visit(item, [...path, i]))
      : // fromEntries defines own properties, so a "__proto__" key in model output stays data.
        Object.fromEntries(Object.entries(value).map(([key, item]) => [key, visit(item, [...path, key])]));
    if (path.length === 0) return shrunk;
    const text = canonicalJson(shrunk);
    return text.length > threshold ? stash(path, text) : shrunk;
  };
  const stored = visit(payload, []);
  return { stored, refs, texts };
}

/**
 * The payload as the journal line stores it, given the payload with or without its blobs put back: the hashes
 * are over this form. Only the outermost references matter here; inner ones live inside their blobs. Returns a
 * reason instead when a reference does not fit the payload.
 */
export function storedPayload(
  payload: unknown,
  refs: readonly BlobRef[],
): { ok: true; value: unknown } | { ok: false; reason: string } {
  let value = payload;
  for (const ref of refs.filter((r) => !refs.some((outer) => isAncestor(outer.path, r.path)))) {
    const next = replaceAt(value, ref.path, placeholder(ref));
    if (!next.ok) return next;
    value = next.value;
  }
  return { ok: true, value };
}

/** Puts each blob's value (from `load`) back at its path, outer blobs first so inner paths exist. */
export function resolvePayload(
  stored: unknown,
  refs: readonly BlobRef[],
  load: (ref: BlobRef) => unknown,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  let value = stored;
  for (const ref of [...refs].reverse()) {
    const next = replaceAt(value, ref.path, load(ref));
    if (!next.ok) return next;
    value = next.value;
  }
  return { ok: true, value };
}

function isAncestor(outer: ReadonlyArray<string | number>, inner: ReadonlyArray<string | number>): boolean {
  return outer.length < inner.length && outer.every((key, i) => key === inner[i]);
}

/** A copy of `root` with the value at `path` replaced; only the containers along the path are copied. */
function replaceAt(
  root: unknown,
  path: ReadonlyArray<string | number>,
  replacement: unknown,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  const [key, ...rest] = path;
  if (key === undefined) return { ok: true, value: replacement };
  const where = () => `blob reference path ${JSON.stringify(path)} does not fit the payload`;
  if (typeof key === 'number') {
    if (!Array.isArray(root) || key >= root.length) return { ok: false, reason: where() };
    const inner = replaceAt(root[key], rest, replacement);
    if (!inner.ok) return inner;
    const copy = [...(root as unknown[])];
    copy[key] = inner.value;
    return { ok: true, value: copy };
  }
  if (!isPlainObject(root) || !Object.hasOwn(root, key)) return { ok: false, reason: where() };
  const inner = replaceAt(root[key], rest, replacement);
  if (!inner.ok) return inner;
  const copy = { ...root };
  // defineProperty, not assignment: a key named "__proto__" must stay an own data property.
  Object.defineProperty(copy, key, {
    value: inner.value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return { ok: true, value: copy };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
