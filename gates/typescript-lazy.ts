import { createRequire } from 'node:module';

import type * as TS from 'typescript';

type TypeScript = typeof TS;
let loaded: TypeScript | undefined;

/**
 * The TypeScript compiler API, loaded on first use through require(): importing the 9 MB CommonJS package
 * as ESM makes Node scan it for named exports, which added seconds to every CLI start.
 */
export function typescript(): TypeScript {
  loaded ??= createRequire(import.meta.url)('typescript') as TypeScript;
  return loaded;
}
