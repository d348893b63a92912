// Integration tests need the real Docker engine and the real lab image; when either is
// missing they fail with what to run, never skip.
import Docker from "dockerode";

export const LAB_IMAGE = process.env.KUBELAB_LAB_IMAGE ?? "kubelab/lab-sim:latest";

export async function requireDockerAndImage(): Promise<Docker> {
  const docker = new Docker();
  try {
    await docker.ping();
  } catch (error) {
    throw new Error(`No Docker engine answers (${(error as Error).message}). Run \`npm test\` as root (its set-up installs and starts Debian's docker.io) or start dockerd.`);
  }
  try {
    await docker.getImage(LAB_IMAGE).inspect();
  } catch {
    throw new Error(`The lab image ${LAB_IMAGE} is missing. Run \`npm test\` (its set-up builds it) or \`bash sandbox/image/build.sh\`.`);
  }
  return docker;
}
