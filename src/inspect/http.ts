/**
 * The inspector's HTTP routes, on web-standard `Request`/`Response` (so it runs in every
 * runtime), and an adapter for Node's `http` server. Read-only: GET and HEAD.
 * @module
 */
import { safeCompare } from "../util/safe-compare.js";
import { PAGE_CSS, PAGE_HTML, PAGE_JS } from "./page.js";
import type { InspectorSnapshot, NodeRequestLike, NodeResponseLike } from "./types.js";

/** Headers every answer carries: no caching, no framing, no sniffing, no referrer. */
const COMMON: Record<string, string> = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** A route's answer before it becomes a `Response` or a Node reply. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What the routes need. */
export interface RouteConfig {
  token: string;
  basePath: string;
  snapshot: () => Promise<InspectorSnapshot>;
}

const text = (status: number, body: string, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { ...COMMON, "content-type": "text/plain; charset=utf-8", ...headers },
  body,
});

const file = (type: string, body: string, headers: Record<string, string> = {}): Answer => ({
  status: 200,
  headers: { ...COMMON, "content-type": `${type}; charset=utf-8`, ...headers },
  body,
});

/** Routes one request: `path` is the URL's path, `authorization` its header. */
export async function route(
  config: RouteConfig,
  method: string,
  path: string,
  authorization: string | undefined,
): Promise<Answer> {
  if (method !== "GET" && method !== "HEAD") {
    return text(405, "method not allowed", { allow: "GET, HEAD" });
  }
  const { basePath } = config;
  if (basePath !== "" && path === basePath) return redirect(`${basePath}/`);
  if (basePath !== "" && !path.startsWith(`${basePath}/`)) return text(404, "not found");
  switch (path.slice(basePath.length)) {
    case "/":
    case "":
      return file("text/html", PAGE_HTML, { "content-security-policy": PAGE_CSP });
    case "/inspect.js":
      return file("text/javascript", PAGE_JS);
    case "/inspect.css":
      return file("text/css", PAGE_CSS);
    case "/api/snapshot":
      if (!authorized(authorization, config.token)) {
        return text(401, "unauthorized", {
          "www-authenticate": 'Bearer realm="botwire inspector"',
        });
      }
      return file("application/json", JSON.stringify(await config.snapshot()));
    default:
      return text(404, "not found");
  }
}

/** The answer when the inspector itself failed (logged; nothing of the error is shown). */
export function failure(): Answer {
  return text(500, "inspector failed");
}

function redirect(location: string): Answer {
  return { ...text(308, ""), headers: { ...COMMON, location } };
}

function authorized(header: string | undefined, token: string): boolean {
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
  // Compared even when absent, so a missing header costs the same as a wrong one.
  return safeCompare(match?.[1] ?? "", token) && match !== null;
}

/** Serves an answer as a web-standard `Response`. */
export function toResponse(answer: Answer, method: string): Response {
  const body = method === "HEAD" || answer.status === 308 ? null : answer.body;
  return new Response(body, { status: answer.status, headers: answer.headers });
}

/** Serves requests of Node's `http` server (and Express, Connect) with `routes`. */
export function nodeHandler(config: RouteConfig, failed: (error: unknown) => void) {
  return (request: NodeRequestLike, response: NodeResponseLike): void => {
    const method = request.method ?? "GET";
    const url = request.url ?? "/";
    const path = pathOf(url);
    // Express strips its mount path: `/inspect` arrives as `/`, and the page's relative
    // links need the slash, which only `originalUrl` shows.
    const whole = request.originalUrl === undefined ? undefined : pathOf(request.originalUrl);
    if (path === "/" && whole !== undefined && whole !== "/" && !whole.endsWith("/")) {
      const answer = redirect(`${whole}/`);
      response.writeHead(answer.status, answer.headers);
      response.end();
      return;
    }
    const header = request.headers.authorization;
    const authorization = Array.isArray(header) ? header[0] : header;
    route(config, method, path, authorization).then(
      (answer) => {
        response.writeHead(answer.status, answer.headers);
        response.end(method === "HEAD" ? undefined : answer.body);
      },
      (error: unknown) => {
        failed(error);
        const answer = failure();
        response.writeHead(answer.status, answer.headers);
        response.end(answer.body);
      },
    );
  };
}

/** The path of a request URL (`/a/b?c` → `/a/b`). */
function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}
