/**
 * Canonical JSON: object keys sorted by UTF-16 code unit, no whitespace, `undefined` members dropped,
 * numbers and strings formatted as `JSON.stringify` does (so it matches RFC 8785 for ordinary data).
 * Equal values always give equal text, which is what makes hashes over it meaningful.
 *
 * Throws `TypeError` for values JSON cannot carry faithfully (non-finite numbers, bigint, functions,
 * symbols, cycles): silently writing `null` for `NaN` would make a replay see different data.
 *
 * Imports nothing, so the pure core can use it.
 */
export function canonicalJson(value: unknown): string {
  const text = encode(value, [], '');
  if (text === undefined) throw new TypeError('canonicalJson: the top-level value is not JSON (undefined)');
  return text;
}

function encode(value: unknown, ancestors: object[], path: string): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number at ${path || '$'}`);
      return JSON.stringify(value);
    case 'undefined':
      return undefined;
    case 'bigint':
    case 'function':
    case 'symbol':
      throw new TypeError(`canonicalJson: a ${typeof value} at ${path || '$'} is not JSON`);
    case 'object':
      return encodeObject(value, ancestors, path);
  }
}

function encodeObject(value: object, ancestors: object[], path: string): string | undefined {
  // Dates and other toJSON carriers encode as JSON.stringify would encode them.
  const withToJson = value as { toJSON?: unknown };
  if (typeof withToJson.toJSON === 'function') {
    return encode((withToJson.toJSON as () => unknown).call(value), ancestors, path);
  }
  if (ancestors.includes(value)) throw new TypeError(`canonicalJson: cycle at ${path || '$'}`);
  const inner = [...ancestors, value];
  if (Array.isArray(value)) {
    // Like JSON.stringify, an array keeps its length: holes and undefined become null.
    const items = value.map((item: unknown, i) => encode(item, inner, `${path}[${i}]`) ?? 'null');
    return `[${items.join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const encoded = encode(record[key], inner, `${path}.${key}`);
    if (encoded !== undefined) members.push(`${JSON.stringify(key)}:${encoded}`);
  }
  return `{${members.join(',')}}`;
}
