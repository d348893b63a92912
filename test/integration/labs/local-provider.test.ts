// The local provider runs the same cluster runtime as host processes (no Docker, not
// isolated): it must start a real cluster, give a shell with kubectl, reset and stop cleanly.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalProvider } from "@/sandbox/providers/local";
import type { ProviderState } from "@/sandbox/providers/types";

const provider = new LocalProvider({ version: "it", baseDir: mkdtempSync(path.join(tmpdir(), "kubelab-local-")) });
let lab: ProviderState | undefined;

afterAll(async () => {
  if (lab) await provider.stop(lab);
});

describe("local provider", () => {
  it("starts a real cluster as host processes", async () => {
    if (process.getuid?.() !== 0) throw new Error("the local provider's cluster drops privileges with setpriv, so this test must run as root (as `npm test` does in CI)");
    lab = await provider.start({ sandboxId: "local-it", profile: "sim", ownerId: null });
    await provider.waitReady(lab, 180_000);
    expect(await provider.poll(lab)).toBe("running");
    const nodes = await provider.exec(lab, ["kubectl", "get", "nodes", "-o", "jsonpath={.items[0].metadata.name}"]);
    expect(nodes).toMatchObject({ exitCode: 0, stdout: "minikube" });
    // The grader's exec: its own kubeconfig (written by the lab's run), the lab image's
    // absolute kubectl path mapped to this lab's binaries. Not protected from the learner here.
    const graded = await provider.exec(lab, ["/usr/local/bin/kubectl", "get", "nodes", "-o", "jsonpath={.items[0].metadata.name}"], { user: "grader" });
    expect(graded).toMatchObject({ exitCode: 0, stdout: "minikube" });
    const who = await provider.exec(lab, ["/usr/local/bin/kubectl", "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"], { user: "grader" });
    expect(who.stdout).toBe("kubelab-grader");
    expect((await provider.list()).map((l) => l.sandboxId)).toContain("local-it");
  });

  it("gives a shell where kubectl talks to that cluster", async () => {
    const tty = await provider.attach(lab!, { cols: 100, rows: 30 });
    let out = "";
    tty.onData((d) => (out += new TextDecoder().decode(d)));
    tty.write("kubectl create deployment web --image=nginx && echo created-$((6*7))\r");
    const deadline = Date.now() + 30_000;
    while (!out.includes("created-42") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    tty.close();
    expect(out).toContain("created-42");
  });

  it("gives the shell none of the server's secrets (its environment is an allow-list)", async () => {
    // What a kubelab server's own environment holds; a shell that inherited it would hand it out.
    const secrets = { KUBELAB_SECRET: `s-${"x".repeat(40)}`, KUBELAB_ADMIN_PASSWORD: "admin-password-123", DATABASE_URL: "file:/srv/kubelab/kubelab.db" };
    Object.assign(process.env, secrets);
    try {
      const tty = await provider.attach(lab!, { cols: 200, rows: 30 });
      let out = "";
      tty.onData((d) => (out += new TextDecoder().decode(d)));
      tty.write("env; echo env-done-$((6*7))\r");
      const deadline = Date.now() + 30_000;
      while (!out.includes("env-done-42") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      tty.close();
      expect(out).toContain("env-done-42");
      expect(out).toContain("KUBECONFIG=");
      for (const [name, value] of Object.entries(secrets)) {
        expect(out).not.toContain(name);
        expect(out).not.toContain(value);
      }
      const exec = await provider.exec(lab!, ["env"]);
      for (const name of Object.keys(secrets)) expect(exec.stdout).not.toContain(name);
    } finally {
      for (const name of Object.keys(secrets)) delete process.env[name];
    }
  });

  it("resets to an empty default namespace", async () => {
    await provider.reset(lab!);
    const deployments = await provider.exec(lab!, ["kubectl", "get", "deployments", "-o", "name"]);
    expect(deployments).toMatchObject({ exitCode: 0, stdout: "" });
  });

  it("stops every process of the cluster", async () => {
    await provider.stop(lab!);
    expect(await provider.poll(lab!)).toBe("missing");
    expect(() => process.kill(-Number(lab!.ref), 0)).toThrow();
    lab = undefined;
  });
});
