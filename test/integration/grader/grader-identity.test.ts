// Issue 12 item 5: the grader reads the cluster as itself, not as the learner. Each test is
// a real attempt, made as the learner in a real lab, to forge a pass or to exhaust the
// server through the grader:
//  - a kubeconfig pointed at a fake API server (run in the lab) that lists a forged pod;
//  - a fake `kubectl` first in the learner's PATH, and a ~/.jq that redefines `length`;
//  - the live checks' credentials and pid files, which lived in the learner's /tmp;
//  - 10,000 ConfigMaps, whose listing would be held whole in the server's memory.
// On the code of the date the first two pass a check that should fail, the third
// finds the client key in /tmp, and the fourth grades from tens of MiB.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Exercise, exerciseSchema } from "@/sandbox/grader/exercise-schema";
import { gradeExercise, GRADER_MAX_OUTPUT_BYTES, type GradeTarget } from "@/sandbox/grader/engine";
import { startLiveChecks } from "@/sandbox/grader/live";
import { startThrowawayLab, type ThrowawayLab } from "@/sandbox/grader/prove-lab";
import type { ResultsDocument } from "@/sandbox/grader/results";
import { until } from "../../support/until";

const LESSON = "00-grader-identity";
let lab: ThrowawayLab;

async function learner(command: string, timeoutMs = 120_000, env: Record<string, string> = {}): Promise<string> {
  const r = await lab.target.exec(["bash", "-c", command], { user: "learner", timeoutMs, env });
  if (r.exitCode !== 0) throw new Error(`\`${command.slice(0, 200)}\` exited with ${r.exitCode}: ${r.stderr}${r.stdout.slice(0, 500)}`);
  return r.stdout;
}

const text = (s: string) => ({ ko: s, en: s });
const exercise = (spec: unknown): Exercise => exerciseSchema.parse(spec);

/** A pod named `forged` must be Running: nothing in the real cluster is called that. */
const forgedPod = exercise({
  id: "forged-pod",
  title: text("forged pod"),
  task: text("forged pod"),
  checks: [
    { id: "running", title: text("running"), hint: text("-"), select: { kind: "Pod", name: "forged" }, expect: [{ path: "status.phase", equals: "Running" }] },
    { id: "real-configmap", title: text("real"), hint: text("-"), select: { kind: "ConfigMap", name: "really-here" }, count: { equals: 1 } },
  ],
  solve: "true",
});

/** Command checks, as lessons write them: kubectl on the cluster, jq on its JSON. */
const forgedByCommands = exercise({
  id: "forged-commands",
  title: text("forged commands"),
  task: text("forged commands"),
  checks: [
    { id: "kubectl", title: text("kubectl"), hint: text("-"), command: "kubectl get configmap forged >/dev/null", says: { fail: text("no forged ConfigMap") } },
    { id: "jq", title: text("jq"), hint: text("-"), command: "kubectl get configmaps -o json | jq -e '[.items[] | select(.metadata.name == \"forged\")] | length > 0' >/dev/null", says: { fail: text("no forged ConfigMap in the list") } },
  ],
  solve: "true",
});

const allConfigMaps = exercise({
  id: "many-configmaps",
  title: text("configmaps"),
  task: text("configmaps"),
  checks: [{ id: "settings", title: text("settings"), hint: text("-"), select: { kind: "ConfigMap", name: "settings" }, count: { equals: 1 } }],
  solve: "true",
});

/** The fake API server's answer to one request (socat runs it per connection). */
const FAKE_ANSWER = [
  '#!/bin/bash',
  'read -r _ target _',
  'while IFS= read -r line; do line="${line%$\'\\r\'}"; [ -z "$line" ] && break; done',
  'case "${target%%\\?*}" in',
  '  /api) body=\'{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1:9443"}]}\' ;;',
  '  /apis) body=\'{"kind":"APIGroupList","apiVersion":"v1","groups":[]}\' ;;',
  '  /api/v1) body=\'{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["get","list","watch"]},{"name":"configmaps","singularName":"configmap","namespaced":true,"kind":"ConfigMap","verbs":["get","list","watch"]}]}\' ;;',
  '  *) body=\'{"kind":"List","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[{"kind":"Pod","apiVersion":"v1","metadata":{"name":"forged","namespace":"default"},"status":{"phase":"Running"}},{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"really-here","namespace":"default"}}]}\' ;;',
  'esac',
  'printf \'HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Length: %d\\r\\nConnection: close\\r\\n\\r\\n%s\' "${#body}" "$body"',
].join("\n");

beforeAll(async () => {
  lab = await startThrowawayLab({ purpose: "it-grader-identity" });
  await learner("kubectl create configmap really-here --from-literal=a=b");
});

afterAll(async () => {
  await lab?.stop();
});

describe("the grader reads the real cluster, whatever the learner changes on their side", () => {
  it("ignores a learner kubeconfig pointed at a fake API server that lists a forged pod", async () => {
    // The learner's fake API server: TLS on 127.0.0.1:9443, answering every request with a
    // list that holds a Running pod `forged` (and the real ConfigMap, so only the pod differs).
    await learner(String.raw`
      mkdir -p ~/fake && cd ~/fake
      openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem -out crt.pem -subj /CN=fake -days 1 2>/dev/null
      cat > answer <<<"$FAKE_ANSWER"
      chmod +x answer
      nohup socat OPENSSL-LISTEN:9443,reuseaddr,fork,bind=127.0.0.1,cert=crt.pem,key=key.pem,verify=0 SYSTEM:"bash answer" >/dev/null 2>&1 &
      sleep 1
      cp ~/.kube/config ~/.kube/config.real
      kubectl config set-cluster minikube --server=https://127.0.0.1:9443 --insecure-skip-tls-verify=true >/dev/null
      kubectl config unset clusters.minikube.certificate-authority-data >/dev/null
    `, 60_000, { FAKE_ANSWER });
    try {
      // The attack is real: the learner's own kubectl now sees the forged pod.
      expect(await learner("kubectl get pods,configmaps -A -o name")).toContain("pod/forged");

      const doc = await gradeExercise({ lessonId: LESSON, exercise: forgedPod }, lab.target);
      const byId = Object.fromEntries(doc.checks.map((c) => [c.id, c]));
      expect(byId.running!.status).toBe("fail");
      // ...and the grader still reads the real cluster: the real ConfigMap is found.
      expect(byId["real-configmap"]!.status).toBe("pass");
      expect(doc.error).toBeUndefined();
    } finally {
      await learner("cp ~/.kube/config.real ~/.kube/config; pkill -u learner socat || true");
    }
  });

  it("ignores a fake kubectl first in the learner's PATH and a ~/.jq that redefines length", async () => {
    // The lab's tmpfs home is noexec, but a symlink to a binary elsewhere runs: `kubectl`
    // that is /bin/true "finds" anything.
    await learner(String.raw`
      mkdir -p ~/bin
      ln -sf /bin/true ~/bin/kubectl
      for f in ~/.bashrc ~/.profile ~/.bash_profile; do echo 'export PATH="$HOME/bin:$PATH"' >> "$f"; done
      echo 'def length: 1;' > ~/.jq
    `);
    // Both are real for the learner's own shell.
    await learner("bash -lc 'kubectl get configmap forged'");
    expect((await learner("echo '[1,2,3]' | jq length")).trim()).toBe("1");
    const doc = await gradeExercise({ lessonId: LESSON, exercise: forgedByCommands }, lab.target);
    const byId = Object.fromEntries(doc.checks.map((c) => [c.id, c]));
    expect(byId.kubectl!.status).toBe("fail");
    expect(byId.jq!.status).toBe("fail");
  });

  it("keeps the grader's kubeconfig and the live checks' files out of the learner's reach", async () => {
    const denied = await lab.target.exec(["bash", "-c", "cat /var/lib/kubelab-grader/kubeconfig; ls /var/lib/kubelab-grader; echo x >> /var/lib/kubelab-grader/kubeconfig"], { user: "learner" });
    expect(denied.exitCode).not.toBe(0);
    expect(denied.stderr).toMatch(/Permission denied/);
    expect(denied.stdout).toBe("");

    const live = startLiveChecks({ lessonId: LESSON, exercises: [forgedPod], target: lab.target, onResults: () => undefined });
    try {
      // The watch is running when its curl shows up in the process list.
      await until("the live watch to run in the lab", () => learner("ps -eo user:20,args | grep '[c]url -sN' || true"), (out) => out.includes("kubelab-grader"), 60_000);
      const tmp = await learner("ls -a /tmp");
      expect(tmp).not.toMatch(/kubelab-live/);
      // No key of the grader's anywhere the learner can read.
      const keys = await learner("grep -rlE 'PRIVATE KEY' /tmp /var/tmp /run 2>/dev/null || true");
      expect(keys.trim()).toBe("");
    } finally {
      await live.stop();
    }
  });
});

describe("output the grader reads is capped", () => {
  it("answers 10,000 ConfigMaps with an error that says why, holding at most the cap in memory", async () => {
    // 10,000 ConfigMaps of ~1 KiB each (about 12 MiB as kubectl's JSON), made as fast as a learner can: one curl, one
    // connection, 2,000 POSTs per round, with the learner's own credentials.
    const made = await learner(String.raw`
      cd /tmp
      kubectl config view --raw --minify -o jsonpath='{.users[0].user.client-certificate-data}' | base64 -d > c.crt
      kubectl config view --raw --minify -o jsonpath='{.users[0].user.client-key-data}' | base64 -d > c.key
      pad=$(head -c 600 /dev/zero | tr '\0' x)
      printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"bulk-"},"data":{"pad":"%s"}}' "$pad" > body.json
      urls=$(for i in $(seq 2000); do printf 'https://127.0.0.1:8443/api/v1/namespaces/default/configmaps '; done)
      for round in 1 2 3 4 5; do curl -sSk --cert c.crt --key c.key -H 'Content-Type: application/json' -d @body.json $urls >/dev/null; done
    `, 280_000);
    await until("the 10,000 ConfigMaps to be listed", () => lab.target.exec(["bash", "-c", "kubectl get configmaps --no-headers -o name | grep -c bulk-"], { user: "learner", timeoutMs: 60_000 }), (r) => Number(r.stdout.trim()) >= 10_000, 180_000).catch((e: Error) => {
      throw new Error(`${e.message}\ncreation printed: ${made.slice(-2000)}`);
    });

    // Count what reaches the server from the lab, exec by exec.
    let largest = 0;
    const counting: GradeTarget = {
      exec: async (cmd, options) => {
        const r = await lab.target.exec(cmd, options);
        largest = Math.max(largest, Buffer.byteLength(r.stdout) + Buffer.byteLength(r.stderr));
        return r;
      },
    };
    globalThis.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const doc: ResultsDocument = await gradeExercise({ lessonId: LESSON, exercise: allConfigMaps }, counting, { timeoutMs: 60_000 });
    const rssGrowth = process.memoryUsage().rss - rssBefore;

    expect(doc.outcome).toBe("error");
    expect(doc.checks[0]!.status).toBe("error");
    // Over the cap the message says so. Inside its 512 MiB the lab's apiserver may instead
    // die while serving the list (the supervisor restarts it); then the read fails outright,
    // which is `error` too, never a pass or a fail.
    if (!/could not be read/.test(doc.error?.en ?? "")) {
      expect(doc.error?.en).toMatch(/more than the grader reads at once \(over 4 MiB\)/);
      expect(doc.error?.ko).toMatch(/채점기가 한 번에 읽을 수 있는 양\(4MiB\)을 넘었습니다/);
      expect(doc.checks[0]!.message).toEqual(doc.error);
    }
    expect(largest).toBeLessThanOrEqual(GRADER_MAX_OUTPUT_BYTES);
    // The listing is over 10 MiB; the server kept no more than the cap and some slack.
    expect(rssGrowth).toBeLessThan(64 * 1024 * 1024);

    // The server carries on, and so does the lab once the learner cleans up (its apiserver may
    // have been restarted by the supervisor after serving such lists in 512 MiB): grading
    // works again.
    await until("the learner's clean-up to go through", () => lab.target.exec(["bash", "-c", "cd /tmp && curl -fsk --cert c.crt --key c.key -X DELETE https://127.0.0.1:8443/api/v1/namespaces/default/configmaps >/dev/null && kubectl create configmap settings"], { user: "learner", timeoutMs: 120_000 }), (r) => r.exitCode === 0, 240_000);
    const after = await gradeExercise({ lessonId: LESSON, exercise: allConfigMaps }, lab.target);
    expect(after.outcome).toBe("pass");
  });
});
