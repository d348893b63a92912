// Integration tests need the real Docker engine and the real lab image; when either is
// missing they fail with what to run, never skip.
import Docker from "dockerode";
import { LABEL } from "../../sandbox/providers/types";

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

/** The running containers of one installation: its labs, and its warm pool unless `pool` is false. */
export async function runningLabsOf(installation: string, { pool = true }: { pool?: boolean } = {}): Promise<Docker.ContainerInfo[]> {
  const found = await new Docker().listContainers({ filters: { label: [`${LABEL.installation}=${installation}`] } });
  return pool ? found : found.filter((c) => c.Labels[LABEL.owner] !== "pool");
}

/**
 * Removes every container of one installation (its labs and its warm pool), whatever state the
 * test left them in. Quiet when no engine answers: then there is nothing to remove either.
 */
export async function removeInstallationLabs(installation: string): Promise<void> {
  const docker = new Docker();
  const labs = await docker.listContainers({ all: true, filters: { label: [`${LABEL.installation}=${installation}`] } }).catch(() => []);
  await Promise.all(labs.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
}
