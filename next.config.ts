import type { NextConfig } from "next";
import { PHASE_PRODUCTION_SERVER } from "next/constants";

// The Content-Security-Policy of every page and route. Next's pages carry inline bootstrap
// scripts (self.__next_f.push) whose text differs per page; a nonce would need every page
// rendered per request (no prerendering), so inline scripts stay allowed and everything else is
// narrowed: only this origin for scripts, fetches and the terminal socket ('self' covers
// ws:/wss: to this host), no plugins, no <base> or form target elsewhere, and no framing by any
// site (clickjacking a learner's terminal or an admin's buttons). Styles: React style
// attributes are inline (the highlighted code's colours are classes, app/code-theme.css).
const dev = process.env.NODE_ENV !== "production";
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const securityHeaders = [
  { key: "Content-Security-Policy", value: CONTENT_SECURITY_POLICY },
  // For browsers older than frame-ancestors.
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
];

const nextConfig: NextConfig = {
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
  // Native or binary-spawning packages run from node_modules, not from Next's bundle.
  serverExternalPackages: ["mdx-bundler", "esbuild", "@shikijs/rehype", "shiki", "better-sqlite3", "@prisma/adapter-better-sqlite3", "node-pty", "dockerode"],
  poweredByHeader: false,
  compress: false,
  reactStrictMode: true,
};

// next-intl's plugin only adds what the build needs (where its request config lives), so the
// running server goes without it. It also loads @swc/core, whose native addon unpacks itself
// into a writable cache at first load: without the plugin, the server image runs on a
// read-only root (deploy/image, the Helm chart).
export default async function config(phase: string): Promise<NextConfig> {
  if (phase === PHASE_PRODUCTION_SERVER) return nextConfig;
  const { default: createNextIntlPlugin } = await import("next-intl/plugin");
  return createNextIntlPlugin("./app/_lib/i18n/request.ts")(nextConfig);
}
