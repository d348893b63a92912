import { describe, expect, it } from "vitest";
import { parseEnv } from "@/app/_lib/config/env";

describe("environment configuration", () => {
  it("has working defaults", () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBe("file:./data/kubelab.db");
  });

  it("names the variable that is wrong", () => {
    expect(() => parseEnv({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => parseEnv({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL: must start with file: or postgresql/);
  });

  it("accepts PostgreSQL URLs for later", () => {
    expect(parseEnv({ DATABASE_URL: "postgresql://u:p@localhost/kubelab" }).DATABASE_URL).toMatch(/^postgresql/);
  });

  it("refuses warm node labs on a server whose node labs are off, saying how to fix it", () => {
    expect(parseEnv({}).KUBELAB_NODE_POOL_SIZE).toBe(0);
    expect(() => parseEnv({ KUBELAB_NODE_POOL_SIZE: "1" })).toThrow(/KUBELAB_NODE_POOL_SIZE: warm node labs need node labs on: set KUBELAB_NODE_LABS=unsafe-sys-admin/);
    expect(parseEnv({ KUBELAB_NODE_POOL_SIZE: "1", KUBELAB_NODE_LABS: "unsafe-sys-admin" }).KUBELAB_NODE_POOL_SIZE).toBe(1);
  });
});
