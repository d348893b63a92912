// A lab is someone else's machine as far as the learner is concerned: each escape route is
// tried from the learner's shell and must be refused. Network checks look only inside the
// lab's own network namespace; no traffic is sent anywhere but loopback.
import { beforeEach, describe, expect, it } from "vitest";
import { LAB_CAPABILITIES, LAB_DEFAULTS } from "../../../sandbox/providers/docker-lab-options";
import type { Lab } from "./lab";
import { useLab } from "./use-lab";

const getLab = useLab();
let lab: Lab;
beforeEach(() => {
  lab = getLab();
});

describe("isolation, tried as the learner", () => {
  it("has no network but loopback", async () => {
    const links = (await lab.ok("ip -o link show")).trim().split("\n");
    expect(links).toHaveLength(1);
    expect(links[0]).toMatch(/^1: lo:/);
    expect((await lab.ok("ip -4 route show; ip -6 route show | grep -v '^::1 ' || true")).trim()).toBe("");
    // The only addresses there are to reach are this lab's own loopback ones.
    const addrs = (await lab.ok("ip -o addr show | awk '{print $4}'")).trim().split("\n");
    expect(addrs).toContain("127.0.0.1/8");
    for (const a of addrs) expect(["127.0.0.1/8", "::1/128"]).toContain(a);
    // Loopback itself works (the cluster lives there), so the emptiness above is not an accident.
    const api = await lab.sh("curl -sk --max-time 5 https://127.0.0.1:8443/livez");
    expect(api.stdout.trim()).toBe("ok");
    const inspect = await lab.inspect();
    expect(inspect.HostConfig.NetworkMode).toBe("none");
    expect(Object.keys(inspect.NetworkSettings.Networks ?? {})).toEqual(["none"]);
  });

  it("cannot read the cluster's private keys", async () => {
    const keys = ["/var/lib/kubelab/pki/ca.key", "/var/lib/kubelab/pki/sa.key", "/var/lib/kubelab/pki/etcd/ca.key", "/var/lib/kubelab/pki/apiserver.key"];
    // They exist (checked as root), so the refusals below are refusals, not absences.
    await lab.ok(`ls ${keys.join(" ")}`, { user: "root" });
    for (const key of keys) {
      const r = await lab.sh(`cat ${key}`);
      expect(r.code, key).not.toBe(0);
      expect(r.stderr, key).toMatch(/Permission denied/);
      expect(r.stdout, key).not.toContain("PRIVATE KEY");
    }
    const r = await lab.sh("ls /var/lib/kubelab");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Permission denied/);
  });

  it("cannot kill the apiserver or any other cluster process", async () => {
    const pid = (await lab.ok("pgrep -x kube-apiserver")).trim();
    expect(pid).toMatch(/^\d+$/);
    const kill = await lab.sh(`kill -9 ${pid}`);
    expect(kill.code).not.toBe(0);
    expect(kill.stderr).toMatch(/Operation not permitted/);
    const before = await lab.ok("pgrep -d, -x 'etcd|kube-controller-manager|kube-scheduler|kwok'");
    const pkill = await lab.sh("pkill -9 -x 'etcd|kube-controller-manager|kube-scheduler|kwok'");
    expect(pkill.code).not.toBe(0);
    expect(pkill.stderr).toMatch(/Operation not permitted/);
    expect(await lab.ok("pgrep -d, -x 'etcd|kube-controller-manager|kube-scheduler|kwok'")).toBe(before);
    expect((await lab.ok("pgrep -x kube-apiserver")).trim()).toBe(pid);
    expect((await lab.ok("kubectl get --raw /readyz")).trim()).toBe("ok");
    // The cluster runs as its own user, never as the learner.
    const owners = await lab.ok("ps -o user= -C etcd,kube-apiserver,kube-controller-manager,kube-scheduler,kwok | sort -u");
    expect(owners.trim()).toBe("kube");
  });

  it("has no Docker socket, no host mounts and no way to write outside its own tmpfs", async () => {
    for (const sock of ["/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock"]) {
      expect((await lab.sh(`test -e ${sock}`)).code, sock).not.toBe(0);
    }
    const inspect = await lab.inspect();
    expect(inspect.Mounts).toEqual([]);
    expect(inspect.HostConfig.Binds ?? []).toEqual([]);
    expect(inspect.HostConfig.Privileged).toBe(false);
    // Every directory the learner can write is a size-capped tmpfs: the host's disk is out of reach.
    const writable = await lab.ok(
      "find / -xdev \\( -path /proc -o -path /sys -o -path /dev -o -path /tmp -o -path /var/tmp -o -path /run -o -path ~ \\) -prune -o ! -type l -writable -print 2>/dev/null | head -n 20",
    );
    expect(writable.trim()).toBe("");
    // The pruned places are the tmpfs mounts (and /run, which the learner cannot write).
    const fsTypes = await lab.ok("for d in ~ /tmp /var/tmp /run /dev/shm; do stat -f -c '%n %T' $d; done");
    expect(fsTypes.trim().split("\n").map((l) => l.split(" ")[1])).toEqual(["tmpfs", "tmpfs", "tmpfs", "tmpfs", "tmpfs"]);
    expect((await lab.sh("touch /run/x /var/lib/x /opt/kubelab/x /usr/local/bin/x /etc/x")).stderr.match(/Permission denied/g)).toHaveLength(5);
    const big = await lab.sh("head -c 80M /dev/zero > ~/big; rc=$?; rm -f ~/big; exit $rc");
    expect(big.code).not.toBe(0);
    expect(big.stderr).toMatch(/No space left on device/);
  });

  it("runs with the memory, CPU and process limits set, as seen by Docker and by the cgroup inside", async () => {
    const { HostConfig: hc } = await lab.inspect();
    expect(hc.Memory).toBe(LAB_DEFAULTS.memoryBytes);
    expect(hc.MemorySwap).toBe(LAB_DEFAULTS.memoryBytes);
    expect(hc.NanoCpus).toBe(LAB_DEFAULTS.nanoCpus);
    expect(hc.PidsLimit).toBe(LAB_DEFAULTS.pidsLimit);
    expect(hc.CapDrop).toEqual(["ALL"]);
    expect([...(hc.CapAdd ?? [])].sort()).toEqual([...LAB_CAPABILITIES].sort());

    // cgroup v2 has one hierarchy; v1 (this kind of host among others) one per controller.
    const v2 = (await lab.sh("test -f /sys/fs/cgroup/cgroup.controllers")).code === 0;
    const read = async (v2path: string, v1path: string) => (await lab.ok(`cat /sys/fs/cgroup/${v2 ? v2path : v1path}`)).trim();
    expect(Number(await read("memory.max", "memory/memory.limit_in_bytes"))).toBe(LAB_DEFAULTS.memoryBytes);
    expect(Number(await read("pids.max", "pids/pids.max"))).toBe(LAB_DEFAULTS.pidsLimit);
    if (v2) {
      const [quota, period] = (await read("cpu.max", "")).split(" ").map(Number);
      expect(quota! / period!).toBe(LAB_DEFAULTS.nanoCpus / 1e9);
      expect(await read("memory.swap.max", "")).toBe("0");
    } else {
      const quota = Number(await read("", "cpu/cpu.cfs_quota_us"));
      const period = Number(await read("", "cpu/cpu.cfs_period_us"));
      expect(quota / period).toBe(LAB_DEFAULTS.nanoCpus / 1e9);
      const memsw = await lab.sh("cat /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes");
      // Swap accounting is a kernel option; where it exists, memory+swap equals memory.
      if (memsw.code === 0) expect(Number(memsw.stdout.trim())).toBe(LAB_DEFAULTS.memoryBytes);
    }
  });

  it("cannot become root; only the minikube actions are allowed through sudo", async () => {
    expect((await lab.ok("id -u")).trim()).toBe("1000");
    expect(await lab.ok("grep -E '^Cap(Inh|Prm|Eff|Amb):' /proc/self/status | awk '{print $2}' | sort -u")).toBe("0000000000000000\n");
    for (const attempt of ["sudo -n true", "sudo -n -i true", "sudo -n /bin/bash -c id", "sudo -n kubelab-cluster run", "su -c true root </dev/null"]) {
      const r = await lab.sh(attempt, { timeoutMs: 30_000 });
      expect(r.code, attempt).not.toBe(0);
      expect(r.stdout, attempt).not.toMatch(/uid=0/);
    }
    // The only setuid program left is sudo.
    expect((await lab.ok("find / -xdev -type f -perm /6000 2>/dev/null || true")).trim()).toBe("/usr/bin/sudo");
    const allowed = await lab.ok("sudo -n -l");
    expect(allowed).toMatch(/kubelab-cluster/);
    expect(allowed).not.toMatch(/\(ALL\s*(:\s*ALL)?\)\s*(NOPASSWD:\s*)?ALL\b/);
    // The allowed path does work (status needs no root at all).
    expect((await lab.sh("minikube status")).code).toBe(0);
  });

  // Last on purpose: it starves the lab of processes for a moment.
  it("contains a fork bomb within the process limit, and the cluster comes back", async () => {
    // perl's fork fails at once at the limit, where bash would retry each fork for seconds.
    const bomb = await lab.sh(
      `perl -e 'my @k; for (1..${LAB_DEFAULTS.pidsLimit + 200}) { my $p = fork(); last unless defined $p; if (!$p) { sleep 60; exit 0 } push @k, $p } print scalar(@k), "\\n"; kill "KILL", @k; waitpid($_, 0) for @k'`,
      { timeoutMs: 120_000 },
    );
    expect(bomb.code).toBe(0);
    const forked = Number(bomb.stdout.trim());
    expect(forked).toBeGreaterThan(0);
    expect(forked).toBeLessThan(LAB_DEFAULTS.pidsLimit);
    await lab.waitFor("the cluster to answer again after the fork bomb", async () => (await lab.sh("kubectl get --raw /readyz")).stdout.trim() === "ok", {
      timeoutMs: 120_000,
      intervalMs: 1000,
    });
  });
});
