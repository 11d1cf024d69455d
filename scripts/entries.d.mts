/** One entry point of the package (see scripts/entries.mjs, the list itself). */
export interface Entry {
  /** The key in package.json `exports`: `"."` or `"./<name>"`. */
  readonly subpath: string;
  /** The output file name: `dist/<name>.{js,cjs,d.ts,d.cts}`. */
  readonly name: string;
  /** The source file tsup and typedoc start from. */
  readonly source: string;
  /** Who the entry is for, in a few words (the docs table of entry points says the same). */
  readonly audience: string;
  /** Its types need the DOM lib (a Node-only consumer does not type-check against it). */
  readonly dom?: boolean;
  /**
   * A build for Node (the `node` export condition) beside the portable one, which browsers,
   * Deno, Bun and workerd resolve; the Node build may load Node-only packages (`ws`).
   */
  readonly node?: { readonly name: string; readonly source: string };
  /** It exports types only, so its JavaScript module is empty (the consumer check allows that). */
  readonly typesOnly?: boolean;
}

export declare const entries: readonly Entry[];
export declare const packageName: string;
export declare function importPath(entry: Entry): string;
export declare const webConditions: readonly string[];
export declare function packageExports(): Record<string, unknown>;
export declare function packageSideEffects(): false | string[];
export declare function packageTypesVersions(): { "*": Record<string, string[]> };
export declare function tsupEntry(): Record<string, string>;
