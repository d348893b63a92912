// The grader on a real lab: the fixture exercises fail before their solution and pass after,
// setup runs once per cluster and again after a reset, live checks tick after a change and
// leave nothing running when stopped, and a lab that cannot be read gives `error`, not `fail`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Exercise, exerciseSchema } from "@/sandbox/grader/exercise-schema";
import { readExercises } from "@/app/_lib/lessons/exercises";
import { gradeExercise, gradeTarget, readCluster } from "@/sandbox/grader/engine";
import { startLiveChecks } from "@/sandbox/grader/live";
import { startThrowawayLab, type ThrowawayLab } from "@/sandbox/grader/prove-lab";
import { type ResultsDocument, resultsDocumentSchema, valueIn } from "@/sandbox/grader/results";
import { runSetup, SetupError } from "@/sandbox/grader/setup";
import { until } from "../../support/until";

const LESSON = "01-grader-fixture";
const exercises = readExercises("test/fixtures/content-grader", LESSON)!.exercises;
const scaleWeb = exercises.find((e) => e.id === "scale-web")!;
const exposeWeb = exercises.find((e) => e.id === "expose-web")!;
let lab: ThrowawayLab;

async function learner(command: string): Promise<string> {
  const r = await lab.target.exec(["bash", "-c", command], { user: "learner", timeoutMs: 90_000 });
  if (r.exitCode !== 0) throw new Error(`\`${command}\` exited with ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}


const byId = (doc: ResultsDocument) => Object.fromEntries(doc.checks.map((c) => [c.id, c]));

beforeAll(async () => {
  lab = await startThrowawayLab({ purpose: "it-grader" });
});

afterAll(async () => {
  await lab?.stop();
});

describe("grading a real cluster", () => {
  it("fails the fixture exercise before its solution, with specific messages, and passes after it", async () => {
    await lab.reset();
    expect(await runSetup({ lessonId: LESSON, exercise: scaleWeb }, lab.target)).toEqual({ ran: true });

    // The setup made a Deployment; its one pod appears a moment later. Grade the state this
    // test asserts (one app=web pod), not whatever the cluster had reached when setup returned:
    // graded at once, a fresh machine once found 0 pods where 1 was expected.
    const before = await until(
      "the setup's one web pod to exist",
      () => gradeExercise({ lessonId: LESSON, exercise: scaleWeb }, lab.target),
      (d) => {
        const found = byId(d)["pods-labelled"]?.found;
        return found !== undefined && valueIn(found, "en") === "1";
      },
    );
    expect(resultsDocumentSchema.parse(before)).toEqual(before);
    expect(before.outcome).toBe("fail");
    expect(before.error).toBeUndefined();
    const checks = byId(before);
    expect(checks["three-ready"]).toMatchObject({ status: "fail", expected: { en: "3", ko: "3개" }, found: { en: "1", ko: "1개" } });
    expect(checks["three-ready"]!.message.en).toBe("Deployment `web`: expected 3 replicas, found 1.");
    expect(checks["three-ready"]!.message.ko).toBe("디플로이먼트 `web`: 레플리카가 3개여야 하는데 1개입니다.");
    expect(checks["new-image"]).toMatchObject({ status: "fail", expected: { en: "`nginx:1.25`" }, found: { en: "`nginx:1.24`" } });
    expect(checks["pods-labelled"]).toMatchObject({ status: "fail", found: { en: "1", ko: "1개" } });
    // The command ran and answered "no": a fail, not an error, and its script is not shown.
    expect(checks["recorded"]).toMatchObject({ status: "fail" });
    expect(checks["recorded"]!.message.en).not.toContain("kubectl");

    await learner(scaleWeb.solve);
    const after = await until(
      "every check of scale-web to pass",
      () => gradeExercise({ lessonId: LESSON, exercise: scaleWeb }, lab.target),
      (d) => d.outcome === "pass",
    );
    expect(after.checks.map((c) => c.status)).toEqual(["pass", "pass", "pass", "pass", "pass"]);
    expect(byId(after)["rolled-out"]!.message.en).toBe("Deployment `web`: the `Available` condition is `True` and the rollout is complete, all 3 replicas updated and available.");
    expect(byId(after)["rolled-out"]!.message.ko).toBe("디플로이먼트 `web`: `Available` 컨디션은 `True`이고, 롤아웃이 끝나 레플리카 3개가 모두 업데이트되어 사용 가능합니다.");
  });

  it("runs an exercise's setup once per cluster, and again after a reset forgets it", async () => {
    await lab.reset();
    const input = { lessonId: LESSON, exercise: exposeWeb };
    expect(await runSetup(input, lab.target)).toEqual({ ran: true });
    expect(await learner("kubectl get deployment web -o name")).toContain("deployment.apps/web");
    // Undo what setup made: a second visit must not make it again.
    await learner("kubectl delete deployment web --wait=false");
    expect(await runSetup(input, lab.target)).toEqual({ ran: false });
    expect(await learner("kubectl get deployment web -o name --ignore-not-found")).toBe("");
    await lab.reset();
    expect(await runSetup(input, lab.target)).toEqual({ ran: true });
  });

  it("reports a failing setup script as a bilingual SetupError", async () => {
    const broken: Exercise = { ...exposeWeb, id: "broken-setup", setup: "kubectl create deployment x --image=nginx --replicas=-1" };
    const error = await runSetup({ lessonId: LESSON, exercise: broken }, lab.target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SetupError);
    expect((error as SetupError).text.en).toMatch(/^Preparing this exercise in the lab failed \(exit code 1\): .*replicas/);
    expect((error as SetupError).text.ko).toMatch(/^실습 환경에서 이 과제를 준비하지 못했습니다\(종료 코드 1\)/);
  });

  it("fails a check on a kind the cluster does not know, and still grades the others", async () => {
    const exercise = exerciseSchema.parse({
      id: "custom-kind",
      title: { ko: "제목", en: "Title" },
      task: { ko: "과제", en: "Task" },
      checks: [
        { id: "widget", title: { ko: "위젯", en: "Widget" }, hint: { ko: "힌트", en: "Hint" }, select: { kind: "Widget", name: "w" }, count: { equals: 1 } },
        { id: "node", title: { ko: "노드", en: "Node" }, hint: { ko: "힌트", en: "Hint" }, select: { kind: "Node", name: "minikube" }, condition: { type: "Ready" } },
      ],
      solve: "true",
    });
    // The node reports Ready a moment after a fresh cluster answers: wait for the state this
    // test asserts instead of grading whatever the cluster has reached.
    const doc = await until("the node to report Ready", () => gradeExercise({ lessonId: LESSON, exercise }, lab.target), (d) => byId(d)["node"]?.status === "pass");
    expect(doc.outcome).toBe("fail");
    expect(byId(doc)["widget"]).toMatchObject({ status: "fail" });
    expect(byId(doc)["widget"]!.message.en).toBe("The cluster has no resource type `Widget` (is its CustomResourceDefinition installed?).");
    expect(byId(doc)["node"]).toMatchObject({ status: "pass" });
  });
});

describe("how the grader reads the cluster", () => {
  const asRoot = async (command: string) => {
    const r = await lab.target.exec(["bash", "-c", command], { user: "root", timeoutMs: 30_000 });
    if (r.exitCode !== 0) throw new Error(`\`${command}\` exited with ${r.exitCode}: ${r.stderr}`);
    return r.stdout;
  };
  const count = (read: Awaited<ReturnType<typeof readCluster>>, kind: string) => (read.ok ? read.byKind.get(kind)?.length : undefined);

  it("lists the kinds it knows through the API without kubectl, and copies its certificate again when the copy stops working", async () => {
    await learner("kubectl create deployment reader --image=nginx:1.27 --replicas=2");
    const first = await readCluster(lab.target, ["Deployment", "Pod", "Namespace"], 8000);
    expect(first).toMatchObject({ ok: true });
    if (!first.ok) return;
    expect(first.byKind.get("Deployment")!.find((d) => d.metadata?.name === "reader")).toMatchObject({ kind: "Deployment", apiVersion: "apps/v1", spec: { replicas: 2 } });
    expect(first.byKind.get("Namespace")!.map((n) => n.metadata?.name)).toContain("kube-system");
    // The copy is the grader's alone.
    const peek = await lab.target.exec(["bash", "-c", "cat /var/lib/kubelab-grader/tmp/kubelab-credentials/key"], { user: "learner" });
    expect(peek.exitCode).not.toBe(0);
    expect(peek.stdout).toBe("");

    // kubectl out of the grader's reach: kinds with a REST path are still read, a kind known
    // only by discovery is not (so the first read did not go through kubectl either).
    await asRoot("chmod 0700 /usr/local/bin/kubectl");
    try {
      expect(count(await readCluster(lab.target, ["Deployment"], 8000), "Deployment")).toBe(first.byKind.get("Deployment")!.length);
      expect(await readCluster(lab.target, ["Widget"], 8000)).toMatchObject({ ok: false });
    } finally {
      await asRoot("chmod 0755 /usr/local/bin/kubectl");
    }

    // A copied certificate that no longer works (new PKI after a rebuild) is copied again.
    await asRoot("cd /var/lib/kubelab-grader/tmp/kubelab-credentials && cp ca crt");
    const again = await readCluster(lab.target, ["Deployment"], 8000);
    expect(count(again, "Deployment")).toBe(first.byKind.get("Deployment")!.length);
    expect(await asRoot("cmp -s /var/lib/kubelab-grader/tmp/kubelab-credentials/ca /var/lib/kubelab-grader/tmp/kubelab-credentials/crt && echo same || echo copied")).toBe("copied\n");
    await learner("kubectl delete deployment reader --wait=false");
  });
});

describe("checks on behaviour in a sim lab (kwok plays the node, nothing runs)", () => {
  it("give error, needs a lab with real pods, never fail, whether or not the target says its profile", async () => {
    await learner("kubectl create deployment hello --image=nginx:1.25 && kubectl expose deployment hello --port=80 && kubectl rollout status deployment/hello --timeout=60s");
    const t = { ko: "확인", en: "Check" };
    const exercise = exerciseSchema.parse({
      id: "behaviour",
      title: t,
      task: t,
      solve: "true",
      checks: [
        { id: "logs", title: t, hint: t, logs: { pod: { labels: { app: "hello" } }, match: { contains: "start" } } },
        { id: "exec", title: t, hint: t, exec: { pod: { labels: { app: "hello" } }, command: ["true"] } },
        { id: "http", title: t, hint: t, http: { service: "hello", body: { contains: "Welcome" } } },
        { id: "missing", title: t, hint: t, logs: { pod: { name: "not-made" }, match: { contains: "x" } } },
      ],
    });
    // lab.target says profile sim; the bare exec has to find out from the nodes it reads.
    for (const target of [lab.target, { exec: lab.target.exec }]) {
      const doc = await gradeExercise({ lessonId: LESSON, exercise }, target);
      expect(doc.checks.map((c) => [c.id, c.status])).toEqual([["logs", "error"], ["exec", "error"], ["http", "error"], ["missing", "error"]]);
      for (const c of doc.checks) {
        expect(c.message.en).toMatch(/^Not checked: this check needs a lab with real pods \(profile `node`\)/);
        expect(c.message.ko).toMatch(/^확인하지 못했습니다\. 이 확인은 파드가 실제로 실행되는 실습 환경\(`node` 프로필\)이 필요합니다/);
      }
    }
    await learner("kubectl delete deployment,service hello");
  });
});

describe("live checks", () => {
  it("emit a new document after a change in the cluster, and leave no kubectl behind when stopped", async () => {
    await lab.reset();
    await runSetup({ lessonId: LESSON, exercise: exposeWeb }, lab.target);
    const docs: ResultsDocument[] = [];
    const errors: Error[] = [];
    const live = startLiveChecks({ lessonId: LESSON, exercises, target: lab.target, onResults: (d) => docs.push(d), onError: (e) => errors.push(e) });
    try {
      await until("the first documents of both exercises", () => docs.map((d) => d.exerciseId), (ids) => ids.includes("scale-web") && ids.includes("expose-web"));
      expect(docs.find((d) => d.exerciseId === "expose-web")!.outcome).toBe("fail");
      // Let the watch settle in the lab, then change the cluster from the learner's side.
      // The watch runs as the grader's own account (see grader-identity.test.ts).
      await until("the watch to run in the lab", () => learner("pgrep -u kubelab-grader -c 'curl|kubectl' || true"), (n) => Number(n.trim()) >= 1);
      await learner("kubectl expose deployment web --port=80 --type=NodePort");
      const passed = await until("a passing expose-web document", () => docs.filter((d) => d.exerciseId === "expose-web"), (d) => d.at(-1)?.outcome === "pass");
      expect(byId(passed.at(-1)!)["service"]!.status).toBe("pass");
    } finally {
      await live.stop();
    }
    expect(errors).toEqual([]);
    expect(await learner("pgrep -u kubelab-grader -a 'curl|kubectl' || true")).toBe("");
    const left = await lab.target.exec(["bash", "-c", "ls /var/lib/kubelab-grader/tmp /tmp | grep kubelab-live || true"], { user: "root" });
    expect(left.stdout).toBe("");
    const emitted = docs.length;
    await learner("kubectl scale deployment web --replicas=2");
    await new Promise((r) => setTimeout(r, 2000));
    expect(docs.length).toBe(emitted);
  });
});

describe("live checks on a cluster that stops", () => {
  it("emit error while the cluster is stopped and recover when it is back", async () => {
    await lab.reset();
    await runSetup({ lessonId: LESSON, exercise: exposeWeb }, lab.target);
    const docs: ResultsDocument[] = [];
    const live = startLiveChecks({ lessonId: LESSON, exercises: [exposeWeb], target: lab.target, onResults: (d) => docs.push(d) });
    try {
      await until("a first document", () => docs.length, (n) => n > 0);
      expect(docs[0]!.outcome).toBe("fail");
      const stopped = await lab.target.exec(["kubelab-cluster", "stop"], { user: "root", timeoutMs: 60_000 });
      expect(stopped.exitCode, stopped.stderr).toBe(0);
      const down = await until("an error document", () => docs.at(-1)!, (d) => d.outcome === "error");
      expect(down.error?.en).toMatch(/could not be read/);
      const started = await lab.target.exec(["kubelab-cluster", "start"], { user: "root", timeoutMs: 120_000 });
      expect(started.exitCode, started.stderr).toBe(0);
      const back = await until("a document from the running cluster again", () => docs.at(-1)!, (d) => d.outcome !== "error", 90_000);
      expect(back.outcome).toBe("fail");
      expect(back.error).toBeUndefined();
    } finally {
      await live.stop();
      await lab.provider.waitReady(lab.state, 120_000);
    }
  });
});

describe("a lab that cannot be read", () => {
  it("gives error, never fail, when the cluster inside is stopped", async () => {
    const stopped = await lab.target.exec(["kubelab-cluster", "stop"], { user: "root", timeoutMs: 60_000 });
    expect(stopped.exitCode, stopped.stderr).toBe(0);
    try {
      const doc = await gradeExercise({ lessonId: LESSON, exercise: scaleWeb }, lab.target, { timeoutMs: 5000 });
      expect(doc.outcome).toBe("error");
      expect(doc.checks.map((c) => c.status)).toEqual(["error", "error", "error", "error", "error"]);
      expect(doc.error?.en).toMatch(/^The lab's cluster could not be read: .*(refused|connect)/);
      expect(doc.error?.ko).toMatch(/^실습 클러스터를 읽을 수 없습니다/);
      expect(byId(doc)["three-ready"]!.message.en).toBe("Not checked: the lab's cluster could not be read.");

      const commandOnly = exerciseSchema.parse({ ...scaleWeb, checks: scaleWeb.checks.filter((c) => c.command) });
      const byCommand = await gradeExercise({ lessonId: LESSON, exercise: commandOnly }, lab.target, { timeoutMs: 5000 });
      expect(byCommand.outcome).toBe("error");
      expect(byCommand.error?.en).toMatch(/could not be read/);
    } finally {
      const started = await lab.target.exec(["kubelab-cluster", "start"], { user: "root", timeoutMs: 120_000 });
      expect(started.exitCode, started.stderr).toBe(0);
      await lab.provider.waitReady(lab.state, 120_000);
    }
  });

  it("gives error when the lab's container is gone", async () => {
    const gone = gradeTarget(lab.provider, { ...lab.state, ref: "0000000000000000000000000000000000000000000000000000000000000000" });
    const doc = await gradeExercise({ lessonId: LESSON, exercise: scaleWeb }, gone, { timeoutMs: 5000 });
    expect(doc.outcome).toBe("error");
    expect(doc.checks.every((c) => c.status === "error")).toBe(true);
    expect(doc.error?.en).toMatch(/could not be read: .*(no such container|404)/i);
  });
});
