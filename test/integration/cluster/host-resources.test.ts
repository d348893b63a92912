// Attack: a learner (or the cluster a learner drives) takes the host's memory or disk.
// - Host OOM: when the host runs out of memory, the kernel must take a lab, never the server
//   or dockerd: every lab process carries a high oom_score_adj that nothing inside can lower.
// - Disk: every place in a lab that grows with what the learner does is a size-capped tmpfs,
//   charged to the lab's own memory: the learner's files, and the cluster components' logs
//   (an unprivileged learner makes the apiserver write a log line per request by sending a bad
//   token). A learner who fills them gets "No space left on device" inside the lab, the
//   host's disk under the lab (its writable layer) does not grow, and the cluster keeps working
//   with its log directory full.
import { describe, expect, it } from "vitest";
import { LAB_OOM_SCORE_ADJ } from "@/sandbox/providers/docker-lab-options";
import { docker } from "./lab";
import { useLab } from "./use-lab";

const lab = useLab();

/** The lab's writable layer on the host's disk, in bytes, as Docker measures it. */
async function writableLayerBytes(): Promise<number> {
  // dockerode passes the option on as the API's ?size=true; its types do not list it.
  const inspect = docker().getContainer(lab().id).inspect as unknown as (opts: { size: boolean }) => Promise<{ SizeRw?: number }>;
  const info = await inspect.call(docker().getContainer(lab().id), { size: true });
  return info.SizeRw ?? 0;
}

describe("host resources", () => {
  it("is the host OOM killer's first choice, and cannot change that", async () => {
    const { HostConfig } = await lab().inspect();
    expect(HostConfig.OomScoreAdj).toBe(LAB_OOM_SCORE_ADJ);
    expect(LAB_OOM_SCORE_ADJ).toBeGreaterThanOrEqual(1000);
    // Every process of the lab, the cluster's and the learner's shell alike.
    const scores = await lab().ok("cat /proc/[0-9]*/oom_score_adj 2>/dev/null | sort -u", { user: "root" });
    expect(scores.trim()).toBe(String(LAB_OOM_SCORE_ADJ));
    // Going below the server's 0 takes CAP_SYS_RESOURCE, which no lab process has, the lab's
    // root included. (Where the engine's own root has that capability, runc's write also pins
    // the floor at the lab's value; on hosts like these Firecracker VMs, whose root lacks it, a
    // process may step back to 0 but never below the server.)
    for (const user of ["learner", "root"] as const) {
      const lower = await lab().sh("echo -1 > /proc/self/oom_score_adj", { user });
      expect(lower.code, user).not.toBe(0);
      expect(lower.stderr, user).toMatch(/Permission denied/);
    }
  });

  it("keeps Docker's own log of the lab to one small rotated file", async () => {
    const { HostConfig } = await lab().inspect();
    expect(HostConfig.LogConfig).toEqual({ Type: "json-file", Config: { "max-size": "1m", "max-file": "1" } });
  });

  it("lets a learner fill only capped tmpfs mounts: No space left inside, nothing on the host's disk", async () => {
    const before = await writableLayerBytes();
    // Measured for real: the cluster's etcd data is on the writable layer already.
    expect(before).toBeGreaterThan(0);
    // The learner writes as much as they can everywhere they can write.
    const fill = await lab().sh(
      "for d in ~ /tmp /var/tmp /dev/shm; do yes kubelab > $d/fill 2>/dev/null; dd if=/dev/zero of=$d/dd bs=1M count=256 2>&1 | grep -m1 'No space'; done",
      { timeoutMs: 120_000 },
    );
    expect(fill.stdout.match(/No space left on device/g)?.length).toBe(4);
    const sizes = await lab().ok("du -sm ~ /tmp /var/tmp /dev/shm | awk '{print $1}'");
    // Each capped at 64 MiB or less.
    for (const mb of sizes.trim().split("\n").map(Number)) expect(mb).toBeLessThanOrEqual(64);
    await lab().sh("rm -f ~/fill ~/dd /tmp/fill /tmp/dd /var/tmp/fill /var/tmp/dd /dev/shm/fill /dev/shm/dd");
    // The cluster's own writes (etcd) move the writable layer a little; the learner's ~200 MB must not.
    expect(await writableLayerBytes()).toBeLessThan(before + 16 * 1024 ** 2);
  });

  it("keeps the cluster's logs, which a learner can make grow, on a capped tmpfs, and the cluster works when it is full", async () => {
    const logs = "/var/log/kubelab";
    expect((await lab().ok(`stat -f -c %T ${logs}`)).trim()).toBe("tmpfs");
    const size = Number((await lab().ok(`df -B1 --output=size ${logs} | tail -n1`)).trim());
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThanOrEqual(64 * 1024 ** 2);
    // The learner's way to grow a log: a request with a bad token is one apiserver log line.
    const apiLog = `${logs}/kube-apiserver.log`;
    const grown = async () => Number((await lab().ok(`stat -c %s ${apiLog}`, { user: "root" })).trim());
    const start = await grown();
    await lab().sh("curl -sk -o /dev/null -H 'Authorization: Bearer forged' 'https://127.0.0.1:8443/api/[1-300]'", { timeoutMs: 60_000 });
    expect(await grown()).toBeGreaterThan(start + 300 * 50);
    // Fill what is left of it (root stands in for hours of such requests), then use the cluster.
    const full = await lab().sh(`dd if=/dev/zero of=${logs}/filler bs=1M 2>&1 | grep -m1 'No space'`, { user: "root", timeoutMs: 60_000 });
    expect(full.stdout).toMatch(/No space left on device/);
    try {
      await lab().sh("curl -sk -o /dev/null -H 'Authorization: Bearer forged' 'https://127.0.0.1:8443/api/[1-50]'", { timeoutMs: 60_000 });
      expect((await lab().ok("kubectl create configmap full-logs --from-literal=a=b -o name")).trim()).toBe("configmap/full-logs");
      expect((await lab().ok("kubectl get --raw /readyz")).trim()).toBe("ok");
    } finally {
      await lab().sh(`rm -f ${logs}/filler`, { user: "root" });
    }
  });
});
