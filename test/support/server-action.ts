// Calls a server action of the production build over plain HTTP, as the browser does: a POST
// with the action's id in `Next-Action` and its arguments encoded by React's own reply encoder,
// then the answer decoded by React's own Flight client. Lets a test act as any caller (no
// cookie, someone else's cookie, a foreign Origin) without a browser.
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
// Next's vendored copy, so encoding matches the server exactly.
const flight = require("next/dist/compiled/react-server-dom-webpack/client.edge") as {
  encodeReply(value: unknown): Promise<string | FormData>;
  createFromReadableStream(stream: ReadableStream<Uint8Array>, options: unknown): Promise<Record<string, unknown>>;
};

// An action that revalidates a page sends the page's new render along, which names the
// browser's client components. This process has none of them and only reads the action's
// value, so every client reference resolves to an empty module instead of failing the decode.
const anyModule = new Proxy({}, { get: (_, id) => ({ "*": { id: String(id), chunks: [], name: "*" } }) });
(globalThis as { __next_require__?: (id: string) => object }).__next_require__ ??= () => ({});

export interface ManifestAction {
  id: string;
  filename: string;
  exportedName: string;
  /** Page workers that bundle this action, e.g. "app/[locale]/admin/page". */
  workers: string[];
}

/** Every server action of the build, from Next's own manifest. */
export function buildActions(root: string): ManifestAction[] {
  const file = path.join(root, ".next/server/server-reference-manifest.json");
  const manifest = JSON.parse(readFileSync(file, "utf8")) as { node: Record<string, { filename: string; exportedName: string; workers: Record<string, unknown> }> };
  return Object.entries(manifest.node).map(([id, a]) => ({ id, filename: a.filename, exportedName: a.exportedName, workers: Object.keys(a.workers) }));
}

/**
 * A page that bundles the action (Next looks an action up in the requested page's bundle): its
 * worker with the fewest parameters, made concrete ([locale] → en, [lessonId] → the given lesson).
 */
export function pagePathOf(action: ManifestAction, lessonId: string): string {
  const worker = [...action.workers].sort((a, b) => (a.match(/\[/g)?.length ?? 0) - (b.match(/\[/g)?.length ?? 0))[0]!;
  const segments = worker.replace(/^app/, "").replace(/\/page$/, "").split("/").filter((s) => s && !/^\(.*\)$/.test(s));
  return `/${segments.map((s) => (s === "[locale]" ? "en" : s === "[lessonId]" ? lessonId : s.startsWith("[") ? "x" : s)).join("/")}`;
}

export interface ActionAnswer {
  status: number;
  /** The action's return value, when it returned. */
  value?: unknown;
  /** Set when the action threw (Next sends a digest, never the message, in production). */
  threw: boolean;
  /** Where the action redirected to, if it did. */
  redirect: string | null;
  setCookies: string[];
  /** The whole answer as sent, for "nothing of anyone else's is in here" checks. */
  raw: string;
}

export async function callAction(
  baseURL: string,
  action: { id: string; path: string },
  args: unknown[],
  options: { cookie?: string; origin?: string; headers?: Record<string, string>; localAddress?: string } = {},
): Promise<ActionAnswer> {
  const body = await flight.encodeReply(args);
  const headers: Record<string, string> = { ...options.headers, "next-action": action.id, accept: "text/x-component", origin: options.origin ?? baseURL };
  if (typeof body === "string") headers["content-type"] = "text/plain;charset=UTF-8";
  if (options.cookie) headers.cookie = options.cookie;
  const url = new URL(action.path, baseURL);
  const res = options.localAddress ? await postFrom(options.localAddress, url, headers, body) : await fetch(url, { method: "POST", headers, body, redirect: "manual" });
  const raw = await res.text();
  const redirect = res.headers.get("x-action-redirect");
  const answer: ActionAnswer = { status: res.status, threw: false, redirect: redirect ? redirect.split(";")[0]! : null, setCookies: res.headers.getSetCookie(), raw };
  // A redirect's body is the next page's render, which needs the browser's modules; skip it.
  if (redirect || !(res.headers.get("content-type") ?? "").includes("text/x-component")) return answer;
  const root = await flight.createFromReadableStream(new Response(raw).body!, { serverConsumerManifest: { moduleMap: anyModule, serverModuleMap: null, moduleLoading: null } });
  try {
    answer.value = await root.a;
  } catch {
    answer.threw = true;
  }
  return answer;
}

/** The `name=value` pair of a Set-Cookie list, for replaying as a Cookie header. */
export function cookieFrom(setCookies: string[], name: string): string | undefined {
  const line = setCookies.find((c) => c.startsWith(`${name}=`));
  return line?.split(";")[0];
}

/**
 * The same POST from another loopback address (127.0.0.2 …): how a test is a second client, or
 * a client that is not the trusted proxy, on one host. fetch cannot choose its source address.
 */
async function postFrom(localAddress: string, url: URL, headers: Record<string, string>, body: string | FormData): Promise<Response> {
  const encoded = new Response(body);
  const bytes = Buffer.from(await encoded.arrayBuffer());
  const contentType = encoded.headers.get("content-type");
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", localAddress, headers: { ...headers, ...(contentType ? { "content-type": contentType } : {}), "content-length": String(bytes.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) for (const one of [v ?? []].flat()) out.append(k, one);
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0, headers: out }));
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(bytes);
  });
}
