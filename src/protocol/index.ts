/**
 * Wire protocol v1: frame schemas, codes, parsing and encoding.
 * @module
 */
export * from "./codes.js";
export * from "./encode.js";
export * from "./frames.js";
export * from "./parse.js";
