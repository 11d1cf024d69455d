/**
 * HTML escaping for bots that echo user text into HTML (web chat widgets, admin pages).
 * @module
 */

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/**
 * Escapes `& < > " ' \`` so text can be put into HTML element content or a quoted
 * attribute without being read as markup. Not enough for URLs (`href`), inline scripts
 * or CSS: validate those separately.
 *
 * @param text - untrusted text; non-strings are converted with `String()`
 * @example
 * ```ts
 * element.innerHTML = `<b>${escapeHtml(message.text)}</b>`;
 * ```
 */
export function escapeHtml(text: unknown): string {
  return String(text ?? "").replace(/[&<>"'`]/g, (ch) => ENTITIES[ch] as string);
}

/**
 * A template tag that escapes every interpolated value with {@link escapeHtml} and keeps
 * the literal parts as written.
 *
 * @example
 * ```ts
 * ctx.reply({ data: { html: html`<p>Hello, <b>${name}</b></p>` } });
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += escapeHtml(values[i]) + (strings[i + 1] ?? "");
  return out;
}
