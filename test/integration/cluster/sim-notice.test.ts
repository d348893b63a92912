// Issue 13 item 4: what a learner sees, in a real terminal of a real lab, when they reach
// for what the simulated node does not have: `kubectl logs`, `kubectl exec`, and `curl` to a
// Service by name and by ClusterIP. It must be in the learner's language (the terminal's
// LANG, set from their locale), fit the terminal's width, say what to do next, and name no
// internals. On the code of the date the notice was English only, hard-wrapped at
// 90 columns, named kwok and a profile, and curl failed with no explanation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startThrowawayLab, type ThrowawayLab } from "@/sandbox/grader/prove-lab";
import type { Tty } from "@/sandbox/providers/types";
import { until } from "../../support/until";

let lab: ThrowawayLab;
let pod = "";
let clusterIP = "";

async function learner(command: string): Promise<string> {
  const r = await lab.target.exec(["bash", "-c", command], { user: "learner", timeoutMs: 90_000 });
  if (r.exitCode !== 0) throw new Error(`\`${command}\` exited with ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

/** Columns a line takes in a terminal: Hangul and other wide characters take two. */
function columns(line: string): number {
  let n = 0;
  for (const ch of line) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return n;
}

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b[=>]/g;

class Terminal {
  private raw = "";
  private constructor(private readonly tty: Tty) {
    tty.onData((d) => (this.raw += Buffer.from(d).toString("utf8")));
  }
  static async open(cols: number, lang: string): Promise<Terminal> {
    const t = new Terminal(await lab.provider.attach(lab.state, { cols, rows: 60 }, { LANG: lang }));
    await until("the first prompt", () => t.text(), (s) => /learner@minikube:~\$ $/.test(s), 60_000);
    return t;
  }
  text(): string {
    return this.raw.replace(ANSI, "");
  }
  /** Types a command and returns the lines it printed, up to the next prompt. */
  async run(command: string, until_: RegExp): Promise<string[]> {
    const start = this.raw.length;
    this.tty.write(`${command}\r`);
    const out = await until(`the output of ${command}`, () => this.raw.slice(start).replace(ANSI, ""), (s) => until_.test(s) && /learner@minikube:~\$ $/.test(s), 60_000);
    const lines = out.split(/\r?\n/);
    // Drop the echoed command line (the terminal may wrap it) and the prompt after the output.
    const first = lines.findIndex((l) => l.includes(command.slice(-12)));
    return lines.slice(first + 1, -1).map((l) => l.replace(/\r/g, ""));
  }
  close(): void {
    this.tty.close();
  }
}

beforeAll(async () => {
  lab = await startThrowawayLab({ purpose: "it-sim-notice" });
  await learner("kubectl create deployment talk --image=nginx:1.25 && kubectl expose deployment talk --port=80");
  pod = await until("the talk pod Running", async () => (await learner("kubectl get pods -l app=talk --field-selector=status.phase=Running -o jsonpath='{.items[*].metadata.name}'")).trim().split(" ")[0] ?? "", (p) => p !== "");
  clusterIP = (await learner("kubectl get service talk -o jsonpath='{.spec.clusterIP}'")).trim();
});

afterAll(async () => {
  await lab?.stop();
});

/** The text of some lines as one paragraph (the wrapping is checked separately). */
const flat = (lines: string[]) => lines.join(" ").replace(/\s+/g, " ");

const INTERNALS = /kwok|profile|sim lab|kubelet-notice/i;

describe("the simulated node explains itself in the learner's terminal", () => {
  it("in Korean, wrapped to a 61-column terminal, with what to do next", async () => {
    const term = await Terminal.open(61, "ko_KR.UTF-8");
    try {
      const logs = await term.run(`kubectl logs ${pod}`, /kubectl describe pod/);
      expect(flat(logs)).toMatch(/보여 줄 로그가 없습니다\. 이 실습 환경의 노드는 시뮬레이션된/);
      expect(flat(logs)).toContain(`kubectl describe pod ${pod} -n default`);
      expect(flat(logs)).not.toMatch(INTERNALS);
      for (const line of logs) expect(columns(line), line).toBeLessThanOrEqual(61);
      expect(logs.length).toBeGreaterThan(3);

      const exec = await term.run(`kubectl exec ${pod} -- ls`, /kubectl get pod .* -o yaml/);
      expect(flat(exec)).toMatch(/컨테이너\(nginx\)에 연결할 수 없습니다/);
      // The first line carries kubectl's own English prefix; every line after it fits.
      for (const line of exec.slice(1)) expect(columns(line), line).toBeLessThanOrEqual(61);

      const byName = await term.run("curl -sS --max-time 3 http://talk/", /kubectl describe service/);
      expect(byName.join("\n")).toMatch(/^curl: \(6\)/m);
      expect(flat(byName)).toMatch(/curl이 talk\(서비스 default\/talk의 주소\)에 연결하지 못했습니다/);
      expect(flat(byName)).toContain("kubectl get endpoints talk -n default");
      for (const line of byName.slice(1)) expect(columns(line), line).toBeLessThanOrEqual(61);

      const byIP = await term.run(`curl -sS --max-time 3 http://${clusterIP}/`, /kubectl describe service/);
      expect(flat(byIP)).toContain(`(서비스 default/talk의 주소)`);
      expect(flat(byIP)).not.toMatch(INTERNALS);

      // curl to the API server on localhost is the real curl, with no explanation added.
      const real = await term.run("curl -sk https://127.0.0.1:8443/readyz; echo", /ok/);
      expect(real.join("\n").trim()).toBe("ok");
    } finally {
      term.close();
    }
  });

  it("in English, wrapped to a 90-column terminal", async () => {
    const term = await Terminal.open(90, "en_US.UTF-8");
    try {
      const logs = await term.run(`kubectl logs ${pod}`, /kubectl describe pod/);
      expect(flat(logs)).toMatch(/There are no logs to show\. This lab's node is simulated/);
      expect(logs.join("\n")).toMatch(/^Next: /m);
      expect(flat(logs)).not.toMatch(INTERNALS);
      for (const line of logs) expect(columns(line), line).toBeLessThanOrEqual(90);

      const byName = await term.run("curl -sS --max-time 3 http://talk.default.svc.cluster.local/", /kubectl describe service/);
      expect(flat(byName)).toMatch(/curl could not reach talk\.default\.svc\.cluster\.local, the address of Service default\/talk/);
      const outside = await term.run("curl -sS --max-time 3 https://example.com/", /no network connection beyond itself/);
      expect(outside.join("\n")).toMatch(/^curl: \(6\)/m);
    } finally {
      term.close();
    }
  });
});
