// A learner on a server with KUBELAB_PROVIDER=kubernetes, in Debian's Chromium against the
// production server: the lab is a pod on a real cluster (a node lab's kubelet and containerd,
// test/support/kube-cluster.ts), the server reaches it as the ServiceAccount of
// deploy/kubernetes/lab-rbac.yaml through a kubeconfig, and the terminal and the grader work
// unchanged: Start, a command typed into the shell, Check failing then passing. A lesson that
// needs real pods is refused in Korean, naming the RuntimeClass setting. One node lab for the
// file; the pod is gone after Stop.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ko from "@/app/_lib/i18n/messages/ko.json";
import { LABEL } from "@/sandbox/providers/types";
import { launchBrowser } from "../support/browser";
import { PROFILE_FIXTURE_LESSONS, twoProfileContent } from "../support/fixture-content";
import { useKubeCluster } from "../support/kube-cluster";
import { closeLabPage, labState, screen, startLab, stopLab, typeLine } from "../support/lab-page";
import { type RunningServer, startServer } from "../support/server";

const SIM_LESSON = PROFILE_FIXTURE_LESSONS.sim;
const NODE_LESSON = PROFILE_FIXTURE_LESSONS.node;
const NAMESPACE = "kubelab-labs";
const installation = `k8e${randomBytes(4).toString("hex")}`;
const BOOT_MS = 240_000;
const ANSWER_MS = 60_000;

const cluster = useKubeCluster("k8s-e2e");
let server: RunningServer | undefined;
let browser: Browser | undefined;
let page: Page | undefined;

const card = '[data-testid="exercise"][data-exercise-id="scale-web"]';
const attr = (selector: string, name: string) => page!.getAttribute(selector, name);

/** The installation's lab pods, as the cluster's administrator sees them. */
const labPods = async () =>
  (await cluster.admin().makeApiClient(CoreV1Api).listNamespacedPod({ namespace: NAMESPACE, labelSelector: `${LABEL.installation}=${installation}` })).items;

beforeAll(async () => {
  await cluster.kubectl(["apply", "-f", "-"], readFileSync("deploy/kubernetes/lab-rbac.yaml", "utf8"));
  // The server's kubeconfig: the ServiceAccount's token and the cluster's address (the loopback proxy).
  const kubeconfig = path.join(mkdtempSync(path.join(tmpdir(), "kubelab-k8s-e2e-")), "kubeconfig");
  writeFileSync(kubeconfig, (await cluster.asServiceAccount("kubelab", "kubelab")).exportConfig(), { mode: 0o600 });
  const content = twoProfileContent("kubernetes-labs");
  server = await startServer({
    KUBELAB_CONTENT_DIR: content,
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
    KUBECONFIG: kubeconfig,
  });
  browser = await launchBrowser();
  page = await (await browser.newContext({ baseURL: server.baseURL, viewport: { width: 1400, height: 900 } })).newPage();
}, BOOT_MS);

afterAll(async () => {
  await closeLabPage({ browser, page });
  await server?.stop();
});

describe("labs on a Kubernetes cluster", () => {
  it("reports the kubernetes provider as healthy", async () => {
    const health = (await (await fetch(`${server!.baseURL}/api/health`)).json()) as { provider: { ok: boolean; kind: string; why: string } };
    expect(health.provider).toMatchObject({ ok: true, kind: "kubernetes", why: expect.stringContaining(`namespace ${NAMESPACE}`) });
  });

  it(
    "starts the learner's lab as a pod, with a shell in the terminal, and grades it with Check",
    async () => {
      await page!.goto(`/en/lessons/${SIM_LESSON}`);
      await startLab(page!, BOOT_MS);
      const [pod, ...others] = await labPods();
      expect(others).toEqual([]);
      expect(pod?.status?.phase).toBe("Running");
      expect(pod?.metadata?.labels?.[LABEL.profile]).toBe("sim");

      await typeLine(page!, "kubectl get ns kube-system -o name");
      await expect.poll(() => screen(page!), { timeout: ANSWER_MS, interval: 250 }).toContain("namespace/kube-system");

      const check = page!.locator(`${card} [data-testid="exercise-check"]`);
      await expect.poll(() => check.isEnabled(), { timeout: ANSWER_MS }).toBe(true);
      await check.click();
      await expect.poll(() => attr(card, "data-attempts"), { timeout: ANSWER_MS, interval: 200 }).toBe("1");
      await expect.poll(() => attr(card, "data-checking"), { timeout: ANSWER_MS, interval: 200 }).toBe("false");
      expect(await attr(card, "data-outcome")).toBe("fail");
      expect(await page!.textContent(`${card} [data-check-id="three-replicas"] [data-testid="exercise-check-message"]`)).toMatch(/expected 3 replicas, found 1/);

      await typeLine(page!, "kubectl scale deployment web --replicas=3");
      await check.click();
      await expect.poll(() => attr(card, "data-attempts"), { timeout: ANSWER_MS, interval: 200 }).toBe("2");
      await expect.poll(() => attr(card, "data-checking"), { timeout: ANSWER_MS, interval: 200 }).toBe("false");
      await expect.poll(() => attr(`${card} [data-check-id="three-replicas"]`, "data-status"), { timeout: ANSWER_MS, interval: 250 }).toBe("pass");
    },
    BOOT_MS + 2 * ANSWER_MS,
  );

  it("refuses a lesson that needs real pods in Korean, naming the RuntimeClass setting", async () => {
    const other = await (await browser!.newContext({ baseURL: server!.baseURL, viewport: { width: 1400, height: 900 } })).newPage();
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
    await stopLab(page!);
    await expect.poll(() => labState(page!), { timeout: ANSWER_MS, interval: 250 }).not.toBe("ready");
    await expect.poll(async () => (await labPods()).length, { timeout: ANSWER_MS, interval: 500 }).toBe(0);
  });
});
