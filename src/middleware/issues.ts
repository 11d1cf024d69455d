/**
 * Turns valibot issues into a short text that is safe to send to the client.
 * @module
 */
import type { BaseIssue } from "valibot";

const MAX_ISSUES = 3;
const MAX_LENGTH = 200;

function pathOf(issue: BaseIssue<unknown>, root: string): string {
  const keys = (issue.path ?? []).map((item) => {
    const key = String(item.key);
    // Keys can come from the client (record keys); keep them short and printable.
    return /^[\w$-]{1,32}$/.test(key) ? key : "?";
  });
  return [root, ...keys].join(".");
}

/**
 * Summarises validation issues as `path: problem (expected …)` parts. The value that was
 * received is never included: it may be large, or content the client should not see echoed.
 * @param issues - the issues of a failed `safeParse`
 * @param root - the name of the validated part (`text`, `data`, `message`)
 */
export function summarizeIssues(issues: readonly BaseIssue<unknown>[], root: string): string {
  const parts = issues.slice(0, MAX_ISSUES).map((issue) => {
    // valibot reports a missing object key as an `object` issue that received `undefined`.
    if (issue.received === "undefined" && issue.path !== undefined) {
      return `${pathOf(issue, root)}: required`;
    }
    const problem = `invalid ${issue.type.replace(/_/g, " ")}`;
    const expected =
      issue.expected !== null && issue.expected.length <= 40 ? ` (expected ${issue.expected})` : "";
    return `${pathOf(issue, root)}: ${problem}${expected}`;
  });
  const more = issues.length > MAX_ISSUES ? `; and ${issues.length - MAX_ISSUES} more` : "";
  const text = `invalid input: ${parts.join("; ")}${more}`;
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}
