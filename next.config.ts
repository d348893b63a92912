import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./app/_lib/i18n/request.ts");

const nextConfig: NextConfig = {
  // Native or binary-spawning packages run from node_modules, not from Next's bundle.
  serverExternalPackages: ["mdx-bundler", "esbuild", "@shikijs/rehype", "shiki", "better-sqlite3", "@prisma/adapter-better-sqlite3", "node-pty", "dockerode"],
  poweredByHeader: false,
  compress: false,
  reactStrictMode: true,
};

export default withNextIntl(nextConfig);
