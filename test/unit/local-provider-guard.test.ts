// The local provider gives an unisolated shell as the server's user, so the server refuses it
// on any address but loopback, and its shells inherit none of the server's secrets.
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/app/_lib/config/env";
import { isLoopbackHost, localProviderRefusal } from "@/app/_lib/lab/create-runtime";
import { allowedEnv } from "@/sandbox/providers/local";

describe("local provider guard", () => {
  it("knows loopback addresses from the others", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"]) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com", "128.0.0.1", "::ffff:10.0.0.1"]) expect(isLoopbackHost(h), h).toBe(false);
  });

  it("refuses local on 0.0.0.0 (the default HOST) and allows it on loopback", () => {
    expect(localProviderRefusal(parseEnv({ KUBELAB_PROVIDER: "local" }))).toMatch(/loopback only; HOST is 0\.0\.0\.0/);
    expect(localProviderRefusal(parseEnv({ KUBELAB_PROVIDER: "local", HOST: "127.0.0.1" }))).toBeNull();
    // docker and auto may listen anywhere: their shells are in containers.
    expect(localProviderRefusal(parseEnv({ KUBELAB_PROVIDER: "auto" }))).toBeNull();
    expect(localProviderRefusal(parseEnv({}))).toBeNull();
  });

  it("passes a shell only an allow-list of the server's environment", () => {
    const env = allowedEnv({
      PATH: "/usr/bin", HOME: "/root", LANG: "ko_KR.UTF-8", LC_ALL: "C.UTF-8", TERM: "xterm",
      KUBELAB_SECRET: "s".repeat(40), KUBELAB_ADMIN_PASSWORD: "hunter2hunter2", DATABASE_URL: "file:./data/kubelab.db",
      KUBELAB_METRICS_TOKEN: "t".repeat(20), AWS_SECRET_ACCESS_KEY: "x", NODE_OPTIONS: "--require evil.js",
    });
    expect(env).toEqual({ PATH: "/usr/bin", HOME: "/root", LANG: "ko_KR.UTF-8", LC_ALL: "C.UTF-8", TERM: "xterm" });
  });
});
