// The lab image of profile `node` (sandbox/cluster/node/build-image.sh); tests that need it
// fail with the command that builds it, never skip.
import Docker from "dockerode";
import { NODE_LAB_DEFAULTS } from "@/sandbox/providers/docker-lab-options";

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
