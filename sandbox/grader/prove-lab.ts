// One throwaway lab for proving exercises (the lessons:prove CLI, the content test, the
// grader's integration test and bench): created by the real docker provider, so with the
// isolation options every learner's lab has, under an installation id of its own that no
// kubelab server reconciles. A lesson with `lab: node` is proved on a node lab (real pods):
// its behaviour checks can only pass there.
import { randomBytes } from "node:crypto";
import Docker from "dockerode";
import { DockerProvider } from "@/sandbox/providers/docker";
import { LAB_DEFAULTS, NODE_LAB_DEFAULTS } from "@/sandbox/providers/docker-lab-options";
import type { LabProfile, ProviderState } from "@/sandbox/providers/types";
import { gradeTarget } from "./engine";
import type { ProveLab } from "./prove";
import { SETUP_STATE_DIR } from "./setup";

export interface ThrowawayLab extends ProveLab {
  provider: DockerProvider;
  state: ProviderState;
  stop(): Promise<void>;
}

export async function startThrowawayLab(options: { image?: string; purpose?: string; profile?: LabProfile } = {}): Promise<ThrowawayLab> {
  const profile = options.profile ?? "sim";
  const image = options.image ?? process.env.KUBELAB_LAB_IMAGE ?? LAB_DEFAULTS.image;
  const id = randomBytes(4).toString("hex");
  // Proving a node lesson is the author's or the test's own lab, so it is started as the
  // operator's opt-in would start a learner's (README, Profile node), never with more.
  const nodeImage = process.env.KUBELAB_NODE_LAB_IMAGE ?? NODE_LAB_DEFAULTS.image;
  const provider = new DockerProvider({
    installationId: `${options.purpose ?? "prove"}-${id}`,
    version: "prove",
    image,
    node: profile === "node" ? { enabled: true, image: nodeImage } : undefined,
  });
  const ping = await provider.ping();
  if (!ping.ok) {
    throw new Error(
      `No usable Docker engine or lab image (${ping.detail}). Proving exercises needs both: ` +
        "run `sudo bash sandbox/host/ensure-docker.sh` for the engine and `bash sandbox/image/build.sh` for the image " +
        "(or `npm test` once, which sets up everything).",
    );
  }
  if (profile === "node") {
    try {
      await new Docker().getImage(nodeImage).inspect();
    } catch {
      throw new Error(`The node lab image ${nodeImage} is missing, so lessons with lab: node cannot be proved. Run \`npm test\` once or \`bash sandbox/cluster/node/build-image.sh\`.`);
    }
  }
  const state = await provider.start({ sandboxId: id, profile, ownerId: null });
  const stop = () => provider.stop(state);
  try {
    await provider.waitReady(state, 180_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    key: id,
    provider,
    state,
    target: gradeTarget(provider, state),
    reset: async () => {
      await provider.reset(state);
      // A fresh lab, not only a fresh cluster: set-ups keep what must outlive a cluster reset
      // (minikube delete) in SETUP_STATE_DIR, which a new container does not have.
      await provider.exec(state, ["rm", "-rf", SETUP_STATE_DIR], { user: "root", timeoutMs: 10_000 });
      await provider.waitReady(state, 60_000);
    },
    stop,
  };
}
