// The cluster picture rides on the live checks' one watch: widening it to the picture's kinds
// draws the learner's objects at once and again after each change, with no exercise at all
// (an instructor looking at a lab) or beside a lesson's checks, and narrowing it again leaves
// nothing running in the lab. It follows the watch's own events: after the first lists, no
// change makes it read the cluster again, and a watch that restarts lists afresh. Real lab,
// real cluster.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClusterRead, type GradeTarget, LAB_BIN } from "@/sandbox/grader/engine";
import { startLiveChecks } from "@/sandbox/grader/live";
import { startThrowawayLab, type ThrowawayLab } from "@/sandbox/grader/prove-lab";
import { readExercises } from "@/app/_lib/lessons/exercises";
import { buildPicture } from "@/sandbox/picture/build";
import type { ClusterPicture } from "@/sandbox/picture/schema";
import { until } from "../../support/until";

let lab: ThrowawayLab;

async function learner(command: string): Promise<string> {
  const r = await lab.target.exec(["bash", "-c", command], { user: "learner", timeoutMs: 90_000 });
  if (r.exitCode !== 0) throw new Error(`\`${command}\` exited with ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

const graderWatches = async () => Number((await learner("pgrep -u kubelab-grader -c curl || true")).trim());

/** The lab's target, counting the reads of the cluster (`kubectl get` as the grader) made through it. */
function countingReads(): { target: GradeTarget; reads: () => number } {
  let reads = 0;
  const target: GradeTarget = {
    ...lab.target,
    exec: (cmd, options) => {
      if (cmd.includes(LAB_BIN.kubectl) && cmd.includes("get")) reads++;
      return lab.target.exec(cmd, options);
    },
  };
  return { target, reads: () => reads };
}

function podsOf(picture: ClusterPicture | undefined, deployment: string, namespace = "default"): string[] {
  const d = picture?.namespaces.find((n) => n.name === namespace)?.deployments.find((x) => x.name === deployment);
  return d ? d.replicaSets.flatMap((rs) => rs.pods.map((p) => p.name)) : [];
}

beforeAll(async () => {
  lab = await startThrowawayLab({ purpose: "it-picture" });
});

afterAll(async () => {
  await lab?.stop();
});

describe("the cluster picture on the live watch", () => {
  it("with no exercises, draws the cluster at once and after each change, and leaves nothing behind when closed", async () => {
    const pictures: ClusterPicture[] = [];
    const failed: ClusterRead[] = [];
    const errors: Error[] = [];
    const counted = countingReads();
    const live = startLiveChecks({ lessonId: "none", exercises: [], target: counted.target, onResults: () => {}, onError: (e) => errors.push(e) });
    try {
      // Opened the moment the checks start, as a picture-only session does (a picture opened
      // while the empty watch loop was still leaving once found no loop and no watch ran).
      const close = live.watchPicture((read) => (read.ok ? pictures.push(buildPicture(read.byKind)) : failed.push(read)));
      await until("a first picture", () => pictures.length, (n) => n > 0);
      expect(pictures[0]!.namespaces.map((n) => n.name)).toContain("default");
      expect(pictures[0]!.namespaces.map((n) => n.name)).not.toContain("kube-system");
      await until("the picture's watch in the lab", graderWatches, (n) => n >= 6);

      await learner("kubectl create deployment pic --image=nginx --replicas=1");
      await until("the new Deployment's pod in the picture", () => podsOf(pictures.at(-1), "pic"), (pods) => pods.length === 1);
      await learner("kubectl scale deployment pic --replicas=3");
      const three = await until("three pods", () => podsOf(pictures.at(-1), "pic"), (pods) => pods.length === 3);
      expect(three.every((name) => name.startsWith("pic-"))).toBe(true);
      await learner("kubectl expose deployment pic --port=80");
      await until(
        "the Service with its three endpoints",
        () => pictures.at(-1)?.namespaces.find((n) => n.name === "default")?.services.find((s) => s.name === "pic")?.endpoints.length ?? 0,
        (n) => n === 3,
      );
      await learner("kubectl create namespace picture-extra");
      await until("the new namespace", () => pictures.at(-1)?.namespaces.map((n) => n.name) ?? [], (names) => names.includes("picture-extra"));
      // Every change above came from the watch's events: the cluster was never read.
      expect(counted.reads()).toBe(0);

      close();
      await until("the watch to stop when nobody looks", graderWatches, (n) => n === 0, 30_000);
      const seen = pictures.length;
      await learner("kubectl scale deployment pic --replicas=1");
      await new Promise((r) => setTimeout(r, 2000));
      expect(pictures.length).toBe(seen);
    } finally {
      await live.stop();
    }
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
    expect(await learner("pgrep -u kubelab-grader -a 'curl|kubectl' || true")).toBe("");
  });

  it("follows a deleted pod and a rollout's new ReplicaSet from the events, and lists afresh when its watch restarts", async () => {
    await lab.reset();
    await learner("kubectl create deployment roll --image=nginx --replicas=2 && kubectl run lone --image=nginx");
    const pictures: ClusterPicture[] = [];
    const errors: Error[] = [];
    const counted = countingReads();
    const live = startLiveChecks({ lessonId: "none", exercises: [], target: counted.target, onResults: () => {}, onError: (e) => errors.push(e) });
    const onRead = (read: ClusterRead) => read.ok && pictures.push(buildPicture(read.byKind));
    const defaults = () => pictures.at(-1)?.namespaces.find((n) => n.name === "default");
    const barePods = () => defaults()?.pods.map((p) => p.name) ?? [];
    const rolling = () =>
      defaults()
        ?.deployments.find((d) => d.name === "roll")
        ?.replicaSets.map((rs) => ({ revision: rs.revision, pods: rs.pods.filter((p) => !p.deleting).length })) ?? [];
    try {
      let close = live.watchPicture(onRead);
      await until("roll's two pods and the bare pod", () => [podsOf(pictures.at(-1), "roll").length, barePods()] as const, ([n, bare]) => n === 2 && bare.includes("lone"));
      await learner("kubectl delete pod lone");
      await until("the deleted pod to leave the picture", barePods, (bare) => !bare.includes("lone"));
      await learner("kubectl set image deployment/roll nginx=nginx:1.27");
      await until("the new ReplicaSet, leading, with both pods, and the old one emptied", rolling, (sets) => sets.length === 2 && sets[0]!.revision === 2 && sets[0]!.pods === 2 && sets[1]!.pods === 0);
      expect(counted.reads()).toBe(0);

      // The watch restarts (the picture closes, and nothing watches; then it opens again):
      // what changed meanwhile, unseen by any watch, is in the picture from the new lists.
      close();
      await until("the watch to stop when nobody looks", graderWatches, (n) => n === 0, 30_000);
      await learner("kubectl scale deployment roll --replicas=1 && kubectl run lone-again --image=nginx");
      const seen = pictures.length;
      close = live.watchPicture(onRead);
      await until("a new picture", () => pictures.length, (n) => n > seen);
      expect(barePods()).toContain("lone-again");
      expect(rolling()[0]).toMatchObject({ revision: 2 });
      expect(podsOf(pictures.at(-1), "roll").length).toBeGreaterThanOrEqual(1);
      await until("roll at one pod", () => rolling()[0]?.pods, (n) => n === 1);
      close();
    } finally {
      await live.stop();
    }
    expect(errors).toEqual([]);
  });

  it("beside a lesson's checks, the same watch serves both and the checks go on after the picture closes", async () => {
    await lab.reset();
    const fixture = readExercises("test/fixtures/content-grader", "01-grader-fixture")!.exercises;
    const expose = fixture.find((e) => e.id === "expose-web")!;
    await learner("kubectl create deployment web --image=nginx --replicas=1");
    const outcomes: string[] = [];
    const pictures: ClusterPicture[] = [];
    const errors: Error[] = [];
    const live = startLiveChecks({ lessonId: "01-grader-fixture", exercises: [expose], target: lab.target, onResults: (d) => outcomes.push(d.outcome), onError: (e) => errors.push(e) });
    try {
      await until("a first grade", () => outcomes.length, (n) => n > 0);
      const close = live.watchPicture((read) => read.ok && pictures.push(buildPicture(read.byKind)));
      await until("a picture with web's pod", () => podsOf(pictures.at(-1), "web"), (pods) => pods.length === 1);
      // One watch script in the lab, not one per reader.
      const markers = await learner("pgrep -u kubelab-grader -a -f kubelab-live- | grep -o 'kubelab-live-[0-9a-f]*' | sort -u");
      expect(markers.trim().split("\n")).toHaveLength(1);
      close();
      await learner("kubectl expose deployment web --port=80 --type=NodePort");
      // Opened and closed at once, before the lab had changed at all: the watch that follows
      // resumes where the last one started, so a change in between is not lost.
      await until("the check to pass with the picture closed", () => outcomes.at(-1), (o) => o === "pass");
    } finally {
      await live.stop();
    }
    // Ending a watch to widen or narrow it is no failure.
    expect(errors).toEqual([]);
  });
});
