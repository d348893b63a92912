// The results document (the contract the UI renders), its outcome rule, and the grader's
// sentences that do not come from evaluating objects: commands, unreadable labs, setup.
import { describe, expect, it } from "vitest";
import { endsWithBatchim, mustBe, subject } from "@/sandbox/grader/korean";
import * as say from "@/sandbox/grader/messages";
import { outcomeOf, RESULTS_VERSION, resultsDocumentSchema } from "@/sandbox/grader/results";

const text = { ko: "가", en: "a" };
const check = (status: "pass" | "fail" | "error") => ({ id: `c-${status}`, status, title: text, message: text, hint: text });

describe("results document", () => {
  const doc = {
    version: RESULTS_VERSION,
    lessonId: "05-deployments",
    exerciseId: "scale-web",
    outcome: "fail",
    gradedAt: "2026-11-21T23:20:00.000Z",
    durationMs: 120,
    checks: [check("pass"), { ...check("fail"), expected: "4", found: "2" }],
  };

  it("accepts a complete document and keeps optional fields optional", () => {
    expect(resultsDocumentSchema.parse(doc)).toEqual(doc);
    expect(resultsDocumentSchema.parse({ ...doc, outcome: "error", error: { ko: "읽을 수 없음", en: "unreadable" } }).error?.en).toBe("unreadable");
  });

  it("refuses another version, an unknown status, a missing language or a bad date", () => {
    expect(resultsDocumentSchema.safeParse({ ...doc, version: 2 }).success).toBe(false);
    expect(resultsDocumentSchema.safeParse({ ...doc, checks: [{ ...check("pass"), status: "skipped" }] }).success).toBe(false);
    expect(resultsDocumentSchema.safeParse({ ...doc, checks: [{ ...check("pass"), hint: { en: "only English" } }] }).success).toBe(false);
    expect(resultsDocumentSchema.safeParse({ ...doc, gradedAt: "yesterday" }).success).toBe(false);
    expect(resultsDocumentSchema.safeParse({ ...doc, extra: 1 }).success).toBe(false);
  });

  it("has outcome error if any check is error, else fail if any fails, else pass", () => {
    expect(outcomeOf([check("pass"), check("pass")])).toBe("pass");
    expect(outcomeOf([check("pass"), check("fail")])).toBe("fail");
    expect(outcomeOf([check("fail"), check("error"), check("pass")])).toBe("error");
  });
});

describe("grader messages", () => {
  it("say what a failed command printed, in both languages", () => {
    const m = say.commandFailed("curl -s web", 7, "curl: (7) Failed to connect\n");
    expect(m.en).toBe("`curl -s web` failed with exit code 7: curl: (7) Failed to connect");
    expect(m.ko).toBe("`curl -s web` 명령이 실패했습니다(종료 코드 7): curl: (7) Failed to connect");
    expect(say.commandTimedOut("sleep 99", 8).ko).toBe("`sleep 99` 명령이 8초 안에 끝나지 않았습니다.");
  });

  it("say that an unreadable lab was not checked, never that the work is wrong", () => {
    const m = say.labUnreadable("The connection to the server 127.0.0.1:8443 was refused - did you specify the right host or port?\n");
    expect(m.en).toBe("The lab's cluster could not be read: The connection to the server 127.0.0.1:8443 was refused - did you specify the right host or port?");
    expect(m.ko.startsWith("실습 클러스터를 읽을 수 없습니다: The connection")).toBe(true);
    expect(say.checkNotRun().ko).toBe("실습 클러스터를 읽을 수 없어 확인하지 못했습니다.");
  });

  it("cut long values and show absent ones as not set", () => {
    expect(say.showValue("x".repeat(300))).toHaveLength(120);
    expect(say.showValue(undefined)).toBe("not set");
    expect(say.showValue({ a: 1 })).toBe('{"a":1}');
  });

  it("name fields learners know, with Korean nouns from the Kubernetes docs", () => {
    expect(say.fieldName("spec.template.spec.containers[1].image")).toEqual({ en: "container image", ko: "컨테이너 이미지" });
    expect(say.fieldName("spec.ports[0].nodePort")).toEqual({ en: "node port", ko: "노드 포트" });
    expect(say.fieldName("spec.selector.app")).toEqual({ en: "selector app", ko: "app 셀렉터" });
    expect(say.fieldName("spec.selector.matchLabels.app")).toEqual({ en: "selector app", ko: "app 셀렉터" });
    expect(say.fieldName("spec.template.spec.containers[0].resources.limits.memory")).toEqual({ en: "memory limit", ko: "메모리 제한" });
    expect(say.fieldName("spec.minReadySeconds")).toEqual({ en: "spec.minReadySeconds", ko: "spec.minReadySeconds 필드" });
  });

  it("pluralise kinds in English", () => {
    const sel = (kind: string) => say.countMismatch({ kind, namespace: "default" }, { gte: 2 }, 1).en;
    expect(sel("Ingress")).toBe("Expected at least 2 Ingresses in namespace default, found 1.");
    expect(sel("NetworkPolicy")).toBe("Expected at least 2 NetworkPolicies in namespace default, found 1.");
    expect(sel("Endpoints")).toBe("Expected at least 2 Endpoints in namespace default, found 1.");
  });
});

describe("Korean particles", () => {
  it("follow the final consonant of Hangul, digits and spelled-out letters", () => {
    expect(subject("파드")).toBe("파드가");
    expect(subject("서비스 포트")).toBe("서비스 포트가");
    expect(subject("app 레이블")).toBe("app 레이블이");
    expect(mustBe("3개")).toBe("3개여야");
    expect(mustBe("Unknown")).toBe("Unknown이어야");
    expect(endsWithBatchim("10")).toBe(true); // 십
    expect(endsWithBatchim("2")).toBe(false); // 이
  });
});

describe("API paths for watching", () => {
  it("cover core and grouped kinds, in one namespace or all, and nothing unknown", async () => {
    const { apiPathOf } = await import("@/sandbox/grader/kinds");
    expect(apiPathOf("Pod")).toBe("/api/v1/pods");
    expect(apiPathOf("Pod", "default")).toBe("/api/v1/namespaces/default/pods");
    expect(apiPathOf("Deployment", "shop")).toBe("/apis/apps/v1/namespaces/shop/deployments");
    expect(apiPathOf("Ingress")).toBe("/apis/networking.k8s.io/v1/ingresses");
    expect(apiPathOf("Node", "default")).toBe("/api/v1/nodes");
    expect(apiPathOf("Widget")).toBeUndefined();
  });
});
