// Two kubelab servers with KUBELAB_PROVIDER=kubernetes on one PostgreSQL database, as behind a
// load balancer, in Debian's Chromium against the production server. The lab is a pod on a real
// cluster (a node lab's kubelet and containerd, test/support/kube-cluster.ts), which both servers
// reach as the ServiceAccount of deploy/kubernetes/lab-rbac.yaml through a kubeconfig. A learner
// in a cohort starts a lab on the first server and fails a Check there; the terminal and the
// grader work unchanged. On the second server the same learner passes the Check, and the
// instructor's dashboard on the first shows it without a reload. Then the first server (the one
// leading: pool, culler, reconcile) is killed with SIGKILL mid-class: the second takes the lead,
// the learner goes on there in the same pod, and no attempt, pass or enrolment is lost, as the
// restarted first server's dashboard shows too. A lesson that needs real pods is refused in
// Korean, naming the RuntimeClass setting. One node lab for the file; the pod is gone after Stop.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ko from "@/app/_lib/i18n/messages/ko.json";
import { LABEL } from "@/sandbox/providers/types";
import { launchBrowser } from "../support/browser";
import { cohortWithDashboard, joinThroughInvite } from "../support/cohort-journey";
import { dropTestDatabases, emptyPostgresDatabase, queryPostgres } from "../support/database";
import { PROFILE_FIXTURE_LESSONS, twoProfileContent } from "../support/fixture-content";
import { useKubeCluster } from "../support/kube-cluster";
import { labState, screen, startLab, stopLab, stopLabIfReady, typeLine, waitForShell } from "../support/lab-page";
import { leads, type RunningServer, startServer } from "../support/server";

const SIM_LESSON = PROFILE_FIXTURE_LESSONS.sim;
const NODE_LESSON = PROFILE_FIXTURE_LESSONS.node;
const EXERCISE = `${SIM_LESSON}/scale-web`;
const NAMESPACE = "kubelab-labs";
const stamp = randomBytes(3).toString("hex");
const installation = `k8e${stamp}`;
const admin = { email: `admin-${stamp}@k8s.example`, password: `k8s-admin-${randomBytes(12).toString("hex")}` };
const instructor = { name: "박강사", email: `teacher-${stamp}@k8s.example`, password: `teacher-${stamp}-pass` };
const learner = { name: "김하늘", email: `haneul-${stamp}@k8s.example`, password: `haneul-${stamp}-pass` };
const BOOT_MS = 240_000;
const ANSWER_MS = 60_000;

const cluster = useKubeCluster("k8s-e2e");
let env: Record<string, string>;
let first: RunningServer | undefined;
let second: RunningServer | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
/** The learner on the first server, and the same learner (same session) on the second. */
let onFirst: Page | undefined;
let onSecond: Page | undefined;
/** The instructor's dashboard on the first server. */
let teacher: Page | undefined;

const card = '[data-testid="exercise"][data-exercise-id="scale-web"]';
const cellOf = (dashboard: Page) => dashboard.locator('[data-testid="learner-row"]', { hasText: learner.name }).locator(`[data-testid="cell"][data-exercise="${EXERCISE}"]`);

/** The installation's lab pods, as the cluster's administrator sees them. */
const labPods = async () =>
  (await cluster.admin().makeApiClient(CoreV1Api).listNamespacedPod({ namespace: NAMESPACE, labelSelector: `${LABEL.installation}=${installation}` })).items;

async function pageOn(server: RunningServer, cookiesFrom?: Page): Promise<Page> {
  const context = await browser!.newContext({ baseURL: server.baseURL, viewport: { width: 1400, height: 900 } });
  contexts.push(context);
  // Cookies belong to the host, not the port: behind a balancer the learner's browser sends the
  // same session to either server, as this one does.
  if (cookiesFrom) await context.addCookies(await cookiesFrom.context().cookies());
  return context.newPage();
}

/** Presses the exercise's Check and waits for its answer: the attempt counted and checking over. */
async function pressCheck(page: Page, attempts: number): Promise<void> {
  const check = page.locator(`${card} [data-testid="exercise-check"]`);
  await expect.poll(() => check.isEnabled(), { timeout: ANSWER_MS }).toBe(true);
  await check.click();
  await expect.poll(() => page.getAttribute(card, "data-attempts"), { timeout: ANSWER_MS, interval: 200 }).toBe(String(attempts));
  await expect.poll(() => page.getAttribute(card, "data-checking"), { timeout: ANSWER_MS, interval: 200 }).toBe("false");
}

/** What must survive a server's death: the learner's attempts, progress and enrolment rows. */
async function learnerRecords() {
  const [user] = await queryPostgres<{ id: string }>(env.DATABASE_URL!, `SELECT id FROM "User" WHERE email = $1`, [learner.email]);
  const rows = async (table: string) => queryPostgres(env.DATABASE_URL!, `SELECT * FROM "${table}" WHERE "userId" = $1 ORDER BY id`, [user!.id]);
  return { attempts: await rows("Attempt"), progress: await rows("Progress"), enrolments: await rows("Enrollment") };
}

beforeAll(async () => {
  await cluster.kubectl(["apply", "-f", "-"], readFileSync("deploy/kubernetes/lab-rbac.yaml", "utf8"));
  // The servers' kubeconfig: the ServiceAccount's token and the cluster's address (the loopback proxy).
  const kubeconfig = path.join(mkdtempSync(path.join(tmpdir(), "kubelab-k8s-e2e-")), "kubeconfig");
  writeFileSync(kubeconfig, (await cluster.asServiceAccount("kubelab", "kubelab")).exportConfig(), { mode: 0o600 });
  env = {
    DATABASE_URL: await emptyPostgresDatabase(),
    KUBELAB_CONTENT_DIR: twoProfileContent("kubernetes-labs"),
    KUBELAB_SECRET: `kubernetes-labs-${randomBytes(24).toString("hex")}`,
    KUBELAB_INSTALLATION_ID: installation,
    KUBELAB_PROVIDER: "kubernetes",
    KUBELAB_K8S_NAMESPACE: NAMESPACE,
    KUBELAB_LAB_IMAGE: cluster.labImage,
    KUBELAB_CAPACITY: "2",
    // The node lab's network plugin (bridge) ignores NetworkPolicy; the integration test
    // proves that the default refuses such a cluster.
    KUBELAB_K8S_NETWORK_POLICY: "unenforced-accept",
    KUBELAB_POOL_SIZE: "0",
    KUBELAB_ADMIN_EMAIL: admin.email,
    KUBELAB_ADMIN_PASSWORD: admin.password,
    KUBECONFIG: kubeconfig,
  };
  // One after the other: the first migrates the database, makes the admin and takes the lead.
  first = await startServer(env);
  second = await startServer(env);
  browser = await launchBrowser();
}, BOOT_MS);

afterAll(async () => {
  await stopLabIfReady(onSecond);
  await browser?.close();
  await first?.stop();
  await second?.stop();
  for (const pod of await labPods().catch(() => [])) {
    await cluster.admin().makeApiClient(CoreV1Api).deleteNamespacedPod({ name: pod.metadata!.name!, namespace: NAMESPACE }).catch(() => undefined);
  }
  await dropTestDatabases();
});

describe("labs on a Kubernetes cluster, two servers on one PostgreSQL", () => {
  it("reports the kubernetes provider as healthy on both servers, the first leading", async () => {
    for (const server of [first!, second!]) {
      const health = (await (await fetch(`${server.baseURL}/api/health`)).json()) as { provider: { ok: boolean; kind: string; why: string } };
      expect(health.provider).toMatchObject({ ok: true, kind: "kubernetes", why: expect.stringContaining(`namespace ${NAMESPACE}`) });
    }
    expect([await leads(first!), await leads(second!)]).toEqual([true, false]);
  });

  it(
    "starts the learner's lab as a pod on the first server, with a shell in the terminal, and grades it with Check",
    async () => {
      teacher = await pageOn(first!);
      const { inviteUrl } = await cohortWithDashboard({ admin: await pageOn(first!), teacher }, { admin, instructor }, `k8s ${stamp}`, ANSWER_MS);
      onFirst = await pageOn(first!);
      await joinThroughInvite(onFirst, inviteUrl, learner, ANSWER_MS);
      // From here on, a full reload of the dashboard would lose the marker.
      await teacher.evaluate(() => ((window as unknown as { kubelabMarker?: string }).kubelabMarker = "still here"));

      await onFirst.goto(`/en/lessons/${SIM_LESSON}`);
      await startLab(onFirst, BOOT_MS);
      const [pod, ...others] = await labPods();
      expect(others).toEqual([]);
      expect(pod?.status?.phase).toBe("Running");
      expect(pod?.metadata?.labels?.[LABEL.profile]).toBe("sim");

      await typeLine(onFirst, "kubectl get ns kube-system -o name");
      await expect.poll(() => screen(onFirst!), { timeout: ANSWER_MS, interval: 250 }).toContain("namespace/kube-system");

      await pressCheck(onFirst, 1);
      expect(await onFirst.getAttribute(card, "data-outcome")).toBe("fail");
      expect(await onFirst.textContent(`${card} [data-check-id="three-replicas"] [data-testid="exercise-check-message"]`)).toMatch(/expected 3 replicas, found 1/);
      await typeLine(onFirst, "kubectl scale deployment web --replicas=3");
      await expect.poll(() => screen(onFirst!), { timeout: ANSWER_MS, interval: 250 }).toContain("deployment.apps/web scaled");
    },
    BOOT_MS + 3 * ANSWER_MS,
  );

  it("passes the Check on the second server, and the instructor's dashboard on the first shows it without a reload", async () => {
    onSecond = await pageOn(second!, onFirst);
    await onSecond.goto(`/en/lessons/${SIM_LESSON}`);
    // The same lab: the second server finds it by the learner's row and the pod's labels.
    await expect.poll(() => labState(onSecond!), { timeout: ANSWER_MS, interval: 250 }).toBe("ready");
    await pressCheck(onSecond, 2);
    await expect.poll(() => onSecond!.getAttribute(card, "data-outcome"), { timeout: ANSWER_MS, interval: 200 }).toBe("pass");

    await expect.poll(() => cellOf(teacher!).getAttribute("data-state"), { timeout: ANSWER_MS, interval: 250 }).toBe("passed");
    expect(await teacher!.evaluate(() => (window as unknown as { kubelabMarker?: string }).kubelabMarker)).toBe("still here");
  });

  it(
    "loses nothing when the leading server is killed mid-class: the other leads, and the learner goes on there in the same pod",
    async () => {
      const before = await learnerRecords();
      // Two Checks pressed; live results that changed are stored as attempts of their own too.
      expect(before.progress).toMatchObject([{ attempts: 2, firstPassedAt: expect.any(Date) }]);
      expect(before.enrolments).toHaveLength(1);
      const [podBefore] = await labPods();

      process.kill(-first!.processGroup, "SIGKILL");
      const port = Number(new URL(first!.baseURL).port);
      await first!.stop(); // already dead: this only ends its watchdog
      await expect.poll(() => leads(second!), { timeout: ANSWER_MS, interval: 250 }).toBe(true);

      // The learner (sent to the second server by the balancer) goes on in the same cluster.
      await waitForShell(onSecond!, ANSWER_MS);
      await typeLine(onSecond!, "kubectl get deployment web --no-headers -o custom-columns=REPLICAS:.spec.replicas");
      await expect.poll(async () => (await screen(onSecond!)).split("\n").map((l) => l.trim()), { timeout: ANSWER_MS, interval: 250 }).toContain("3");

      // The first server back on its port: it follows, and its dashboard shows what was passed.
      first = await startServer(env, { port });
      await expect.poll(async () => [await leads(first!), await leads(second!)], { timeout: ANSWER_MS, interval: 250 }).toEqual([false, true]);
      const dashboard = await pageOn(first, teacher);
      await dashboard.goto(new URL(teacher!.url()).pathname);
      await expect.poll(() => cellOf(dashboard).getAttribute("data-state"), { timeout: ANSWER_MS, interval: 250 }).toBe("passed");
      await onFirst!.reload();
      await expect.poll(() => onFirst!.getAttribute(card, "data-attempts"), { timeout: ANSWER_MS, interval: 200 }).toBe("2");

      // The new leader's reconcile kept the learner's pod: the same one, still running.
      const [podAfter, ...others] = await labPods();
      expect(others).toEqual([]);
      expect(podAfter?.metadata?.uid).toBe(podBefore?.metadata?.uid);
      expect(podAfter?.status?.phase).toBe("Running");
      // Nothing lost: every row is there as it was (a live result stored since would be a new row).
      const after = await learnerRecords();
      expect(after.attempts).toEqual(expect.arrayContaining(before.attempts));
      expect(after.progress).toEqual(before.progress);
      expect(after.enrolments).toEqual(before.enrolments);
    },
    4 * ANSWER_MS,
  );

  it("refuses a lesson that needs real pods in Korean, naming the RuntimeClass setting", async () => {
    const other = await pageOn(second!);
    await other.goto(`/ko/lessons/${NODE_LESSON}`);
    await other.click('[data-testid="lab-start"]');
    await other.waitForSelector('[data-testid="lab-profile-unavailable"]', { timeout: ANSWER_MS });
    const refusal = await other.locator('[data-testid="lab-profile-unavailable"]').innerText();
    expect(refusal).toBe(ko.LabProfileUnavailable.operatorRuntimeClass.replace("{setting}", "KUBELAB_K8S_NODE_RUNTIME_CLASS"));
    expect(await other.getAttribute('[data-testid="lab-profile-unavailable"]', "data-refusal")).toBe("node-needs-runtime-class");
    await other.context().close();
    // No pod was made for it.
    expect(await labPods()).toHaveLength(1);
  });

  it("removes the pod when the learner stops the lab", async () => {
    await stopLab(onSecond!);
    await expect.poll(() => labState(onSecond!), { timeout: ANSWER_MS, interval: 250 }).not.toBe("ready");
    await expect.poll(async () => (await labPods()).length, { timeout: ANSWER_MS, interval: 500 }).toBe(0);
  });
});
