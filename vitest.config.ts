// One runner, three projects: unit (needs nothing), integration (real Docker and the real
// cluster, made ready by the set-up) and e2e (the built site in Debian's Chromium).
import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.dirname(new URL(import.meta.url).pathname);
// `server-only` throws outside Next's react-server build; tests import those modules directly.
const alias = { "server-only": path.join(root, "test/support/server-only.ts"), "@": root };

export default defineConfig({
  resolve: { alias },
  test: {
    // One test file at a time across all projects: labs and the e2e server each want the
    // host's two cores, and results must not depend on what else happened to run.
    fileParallelism: false,
    projects: [
      {
        resolve: { alias },
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 300_000,
          hookTimeout: 300_000,
          // Labs are heavy on a 2-core host: one test file at a time.
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/e2e/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
