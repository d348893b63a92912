// The results document (the contract the UI renders), its outcome rule, and the grader's
// sentences that do not come from evaluating objects: commands, unreadable labs, setup.
import { describe, expect, it } from "vitest";
import { endsWithBatchim, mustBe, subject, toward } from "@/sandbox/grader/korean";
import * as say from "@/sandbox/grader/messages";
import { outcomeOf, parseStoredResults, RESULTS_VERSION, resultsDocumentSchema } from "@/sandbox/grader/results";

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
    checks: [check("pass"), { ...check("fail"), expected: { ko: "4개", en: "4" }, found: { ko: "2개", en: "2" } }],
  };

  it("accepts a complete document and keeps optional fields optional", () => {
    expect(resultsDocumentSchema.parse(doc)).toEqual(doc);
    expect(resultsDocumentSchema.parse({ ...doc, outcome: "error", error: { ko: "읽을 수 없음", en: "unreadable" } }).error?.en).toBe("unreadable");
  });

  it("refuses another version, an unknown status, a missing language or a bad date", () => {
    expect(resultsDocumentSchema.safeParse({ ...doc, version: RESULTS_VERSION + 1 }).success).toBe(false);
    expect(resultsDocumentSchema.safeParse({ ...doc, version: RESULTS_VERSION - 1 }).success).toBe(false);
    expect(resultsDocumentSchema.safeParse({ ...doc, checks: [{ ...check("fail"), found: "2" }] }).success).toBe(false);
    expect(resultsDocumentSchema.safeParse({ ...doc, checks: [{ ...check("pass"), status: "skipped" }] }).success).toBe(false);
    expect(resultsDocumentSchema.safeParse({ ...doc, checks: [{ ...check("pass"), hint: { en: "only English" } }] }).success).toBe(false);
    expect(resultsDocumentSchema.safeParse({ ...doc, gradedAt: "yesterday" }).success).toBe(false);
    expect(resultsDocumentSchema.safeParse({ ...doc, extra: 1 }).success).toBe(false);
  });

  it("reads a stored document of the version before, upgraded: plain-string values in both languages", () => {
    const v1 = { ...doc, version: 1, checks: [check("pass"), { ...check("fail"), expected: "4", found: { ko: "2개", en: "2" } }] };
    const read = parseStoredResults(JSON.stringify(v1));
    expect(read).toEqual({ ...doc, checks: [check("pass"), { ...check("fail"), expected: { ko: "4", en: "4" }, found: { ko: "2개", en: "2" } }] });
    expect(read?.version).toBe(RESULTS_VERSION);
    // The same from the parsed value (what the progress store hands over).
    expect(parseStoredResults(v1)).toEqual(read);
  });

  it("reads a current document as it is, and nothing else: broken JSON, a future version, a bad shape", () => {
    expect(parseStoredResults(JSON.stringify(doc))).toEqual(doc);
    expect(parseStoredResults("{not json")).toBeNull();
    expect(parseStoredResults(JSON.stringify({ ...doc, version: RESULTS_VERSION + 1 }))).toBeNull();
    expect(parseStoredResults(JSON.stringify({ ...doc, version: 1, checks: "none" }))).toBeNull();
    expect(parseStoredResults(JSON.stringify({ outcome: "pass" }))).toBeNull();
    expect(parseStoredResults(null)).toBeNull();
  });

  it("has outcome error if any check is error, else fail if any fails, else pass", () => {
    expect(outcomeOf([check("pass"), check("pass")])).toBe("pass");
    expect(outcomeOf([check("pass"), check("fail")])).toBe("fail");
    expect(outcomeOf([check("fail"), check("error"), check("pass")])).toBe("error");
  });
});

describe("grader messages", () => {
  it("never show a command check's script: a generic sentence, or the check's own with the value it printed", () => {
    const m = say.commandFailed(7);
    expect(m.en).toBe("Not yet: the check in your lab did not hold (it answered with exit code 7).");
    expect(m.ko).toBe("아직 아닙니다. 실습 환경에서 확인한 결과가 조건과 맞지 않습니다(종료 코드 7).");
    expect(say.commandTimedOut(8).ko).toBe("실습 환경의 확인 작업이 8초 안에 끝나지 않았습니다.");
    const own = { en: "WORDPRESS_DB_HOST is {found}; it should name the Service wordpress-mysql.", ko: "WORDPRESS_DB_HOST가 {found}입니다. 서비스 wordpress-mysql이어야 합니다." };
    expect(say.fillFound(own, say.commandFoundText("checking…\nlocalhost\n")).en).toBe("WORDPRESS_DB_HOST is `localhost`; it should name the Service wordpress-mysql.");
    expect(say.fillFound(own, say.commandFoundText("")).ko).toBe("WORDPRESS_DB_HOST가 설정되지 않음입니다. 서비스 wordpress-mysql이어야 합니다.");
  });

  it("say that an unreadable lab was not checked, never that the work is wrong", () => {
    const m = say.labUnreadable("The connection to the server 127.0.0.1:8443 was refused - did you specify the right host or port?\n");
    expect(m.en).toBe("The lab's cluster could not be read: `The connection to the server 127.0.0.1:8443 was refused - did you specify the right host or port?`");
    expect(m.ko.startsWith("실습 클러스터를 읽을 수 없습니다: `The connection")).toBe(true);
    expect(say.checkNotRun().ko).toBe("실습 클러스터를 읽을 수 없어 확인하지 못했습니다.");
  });

  it("show values as code in the reader's language, and never as JSON", () => {
    expect(say.showValue(undefined)).toEqual({ en: "not set", ko: "설정되지 않음" });
    expect(say.showValue(3, "count")).toEqual({ en: "3", ko: "3개" });
    expect(say.showValue(5, "seconds")).toEqual({ en: "5 s", ko: "5초" });
    expect(say.showValue("x".repeat(300)).en).toBe(`\`${"x".repeat(80)}…\``);
    expect(say.showValue({ a: 1 })).toEqual({ en: "`a=1`", ko: "`a=1`" });
    expect(say.showValue({ httpGet: { path: "/", port: 80 }, periodSeconds: 10 })).toEqual({ en: "set", ko: "설정되어 있음" });
    expect(say.showValue(["a", "b"]).ko).toBe("`a`, `b`");
    expect(say.showValue("two\nlines").en).toBe("`two …`");
  });

  it("name fields learners know, with Korean nouns from the Kubernetes docs, and never a path", () => {
    const deployment = { spec: { template: { spec: { containers: [{ name: "web", image: "nginx", env: [{ name: "MODE", value: "x" }] }, { name: "log" }] } } } };
    expect(say.fieldName("spec.template.spec.containers[1].image", deployment)).toEqual({ en: "image of container `log`", ko: "컨테이너 `log`의 이미지" });
    expect(say.fieldName("spec.template.spec.containers[name=web].env[name=MODE].value", deployment)).toEqual({ en: "environment variable `MODE` of container `web`", ko: "컨테이너 `web`의 환경 변수 `MODE`" });
    expect(say.fieldName("spec.containers[0].image", { spec: { containers: [{ name: "greeter" }] } })).toEqual({ en: "image", ko: "이미지" });
    expect(say.fieldName("spec.ports[0].nodePort", { spec: { ports: [{ port: 80 }] } })).toEqual({ en: "node port", ko: "노드 포트" });
    expect(say.fieldName("spec.selector.app")).toEqual({ en: "selector `app`", ko: "`app` 셀렉터" });
    expect(say.fieldName("spec.selector.matchLabels.app")).toEqual({ en: "selector `app`", ko: "`app` 셀렉터" });
    expect(say.fieldName("spec.template.spec.containers[0].resources.limits.memory", { spec: { template: { spec: { containers: [{}] } } } })).toEqual({ en: "memory limit", ko: "메모리 상한" });
    expect(say.fieldName("spec.template.spec.containers[0].livenessProbe.httpGet.path", { spec: { template: { spec: { containers: [{}] } } } })).toEqual({ en: "liveness probe HTTP path", ko: "활성 프로브의 HTTP 경로" });
    expect(say.fieldName("spec.template.spec.containers[0].readinessProbe.periodSeconds", { spec: { template: { spec: { containers: [{}] } } } })).toMatchObject({ ko: "준비성 프로브의 검사 주기(`periodSeconds`)", unit: "seconds" });
    expect(say.fieldName("spec.rules[host=shop.example.com].http.paths[path=/orders].backend.service.name")).toEqual({ en: "backend Service of path `/orders` for host `shop.example.com`", ko: "호스트 `shop.example.com`의 경로 `/orders`의 백엔드 서비스" });
    expect(say.fieldName("spec.strategy.rollingUpdate.maxSurge")).toEqual({ en: "`maxSurge`", ko: "`maxSurge`" });
    expect(say.fieldName("spec.somethingNew[2].deeper")).toEqual({ en: "field `deeper`", ko: "`deeper` 필드" });
  });

  it("pluralise kinds in English", () => {
    const sel = (kind: string) => say.countMismatch({ kind, namespace: "default" }, { gte: 2 }, 1).en;
    expect(sel("Ingress")).toBe("Expected at least 2 Ingresses in namespace `default`, found 1.");
    expect(sel("NetworkPolicy")).toBe("Expected at least 2 NetworkPolicies in namespace `default`, found 1.");
    expect(sel("Endpoints")).toBe("Expected at least 2 Endpoints in namespace `default`, found 1.");
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

  it("follow how a value in code is read aloud, and skip a trailing parenthetical", () => {
    expect(mustBe("`Running`")).toBe("`Running`이어야"); // 러닝
    expect(mustBe("`Recreate`")).toBe("`Recreate`여야");
    expect(subject("`web`")).toBe("`web`이"); // 웹
    expect(subject("`app`")).toBe("`app`이"); // 앱
    expect(subject("`doc`")).toBe("`doc`이"); // 독
    expect(toward("`doc`")).toBe("`doc`으로");
    expect(toward("`spec`")).toBe("`spec`으로"); // 스펙
    expect(toward("`pod`")).toBe("`pod`로"); // 파드
    expect(subject("`LoadBalancer`")).toBe("`LoadBalancer`가"); // 로드밸런서
    expect(subject("`ClusterIP`")).toBe("`ClusterIP`가"); // 클러스터아이피
    expect(subject("`/usr/share/nginx/html`")).toBe("`/usr/share/nginx/html`이"); // 에이치티엠엘
    expect(subject("변경 사유(`kubernetes.io/change-cause` 어노테이션)")).toBe("변경 사유(`kubernetes.io/change-cause` 어노테이션)가");
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
