// The lab image of profile `node` (sandbox/cluster/node/build-image.sh) and one lab of it per
// test file; tests that need it fail with the command that builds it, never skip.
import { randomBytes } from "node:crypto";
import Docker from "dockerode";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { DockerProvider } from "@/sandbox/providers/docker";
import { NODE_LAB_DEFAULTS } from "@/sandbox/providers/docker-lab-options";
import type { ProviderState } from "@/sandbox/providers/types";
import { requireDockerAndImage } from "./docker";

export const NODE_LAB_IMAGE = process.env.KUBELAB_NODE_LAB_IMAGE ?? NODE_LAB_DEFAULTS.image;

export async function requireNodeImage(): Promise<void> {
  try {
    await new Docker().getImage(NODE_LAB_IMAGE).inspect();
  } catch {
    throw new Error(
      `The node lab image ${NODE_LAB_IMAGE} is missing. Run \`npm test\` (its set-up builds it) or ` +
        "`bash sandbox/cluster/node/build-image.sh` (after sandbox/cluster/build-node-binaries.sh).",
    );
  }
}

export interface NodeLab {
  /** The installation id the file's labs carry (a provider made with it sees them). */
  readonly installationId: string;
  /** The Docker provider that started the lab, with node labs enabled. */
  readonly provider: DockerProvider;
  /** The running lab; set once the file's beforeAll has started it. */
  readonly lab: ProviderState;
  /** A bash login shell as the learner, as the terminal runs it. */
  sh(command: string, timeoutMs?: number): Promise<{ code: number; out: string }>;
  /** The same, failing with the command's output unless it exits 0. */
  ok(command: string, timeoutMs?: number): Promise<string>;
}

/**
 * One node lab for a whole test file, started by the Docker provider with the options learners
 * get, and removed after the file. Each start costs a core for about 15 s, so files share one.
 * A failed start fails every test of the file with its reason.
 */
export function useNodeLab(sandboxId: string, options: { memoryBytes?: number } = {}): NodeLab {
  let provider: DockerProvider | undefined;
  let lab: ProviderState | undefined;
  let failure: unknown;
  const installationId = `nd${randomBytes(4).toString("hex")}`;
  // The start waits up to 180 s for the lab: the hook may take longer than a project's default.
  beforeAll(async () => {
    try {
      await requireDockerAndImage();
      await requireNodeImage();
      provider = new DockerProvider({ installationId, version: "it", node: { enabled: true, image: NODE_LAB_IMAGE, memoryBytes: options.memoryBytes } });
      lab = await provider.start({ sandboxId, profile: "node", ownerId: null });
      await provider.waitReady(lab, 180_000);
    } catch (error) {
      failure = error;
    }
  }, 300_000);
  beforeEach(() => {
    if (failure) throw failure;
  });
  afterAll(async () => {
    if (lab) await provider?.stop(lab);
    provider?.close();
  });
  const handle: NodeLab = {
    installationId,
    get provider() {
      return provider!;
    },
    get lab() {
      return lab!;
    },
    async sh(command, timeoutMs = 60_000) {
      const r = await provider!.exec(lab!, ["bash", "-lc", command], { user: "learner", timeoutMs });
      return { code: r.exitCode, out: r.stdout + r.stderr };
    },
    async ok(command, timeoutMs = 60_000) {
      const r = await handle.sh(command, timeoutMs);
      if (r.code !== 0) throw new Error(`\`${command}\` exited with ${r.code}:\n${r.out}`);
      return r.out;
    },
  };
  return handle;
}
