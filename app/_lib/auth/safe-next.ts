// Where to go after signing in or up. `next` comes from the query string, so anyone can put
// anything there; only a path on this site is followed (no open redirect), else the home page.
const BASE = "http://kubelab.invalid";

export function safeNextPath(next: unknown, locale: string): string {
  const fallback = `/${locale}`;
  if (typeof next !== "string" || next.length === 0 || next.length > 2000) return fallback;
  // "//evil.example" and "/\evil.example" are scheme-relative URLs to browsers.
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  // Control characters (tabs, newlines) are dropped by URL parsers and can smuggle "//".
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return fallback;
  try {
    const url = new URL(next, BASE);
    if (url.origin !== BASE) return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}
