// Every message the grader can render for the course, read as a learner reads it. For each
// check of every exercise in content/ the grader judges objects built for that check (none
// at all, the field missing, a wrong value, the right one) and each message, in both
// languages, must read as a person wrote it: no script, no newline, no `[0]`-style or dotted
// path, no JSON, and on the Korean card no English words outside `code` (the learner's own
// names and values) except the abbreviations the Korean Kubernetes docs keep.
// Command checks are not run here (that needs a lab; the content test runs them): their
// sentences are the check's own `says` or the generic ones, filled as the engine fills them.
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Check } from "@/sandbox/grader/exercise-schema";
import { readExercises } from "@/app/_lib/lessons/exercises";
import { listLessonIds } from "@/app/_lib/lessons/source";
import { evaluateSelectCheck, type KubeObject } from "@/sandbox/grader/evaluate";
import * as say from "@/sandbox/grader/messages";
import { parsePath } from "@/sandbox/grader/paths";
import type { Bilingual, CheckResult } from "@/sandbox/grader/results";
import { problemsOf } from "../support/message-rules";

/** Writes `value` at a check path, making the lists and items the path goes through. */
function writePath(object: Record<string, unknown>, p: string, value: unknown): void {
  const tokens = parsePath(p);
  let current: unknown = object;
  tokens.forEach((token, i) => {
    const last = i === tokens.length - 1;
    const nextIsList = !last && tokens[i + 1]!.type !== "key";
    const fresh = () => (last ? value : nextIsList ? [] : {});
    if (token.type === "key") {
      const o = current as Record<string, unknown>;
      if (last) o[token.key] = value;
      // (A value written earlier, such as an annotation, is replaced when a path goes into it.)
      else if (o[token.key] === null || typeof o[token.key] !== "object") o[token.key] = fresh();
      current = o[token.key];
    } else {
      const list = current as unknown[];
      let index = token.type === "index" ? token.index : list.findIndex((item) => readDotted(item, token.field) === token.value);
      if (index < 0 && token.type === "match") {
        const item: Record<string, unknown> = {};
        writePath(item, token.field, token.value);
        list.push(item);
        index = list.length - 1;
      }
      while (list.length <= index) list.push({ name: `item${list.length}` });
      if (last) list[index] = value;
      current = list[index];
    }
  });
}

function readDotted(o: unknown, dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((c, k) => (c && typeof c === "object" ? (c as Record<string, unknown>)[k] : undefined), o);
}

function baseObject(check: Check): KubeObject {
  const s = check.select!;
  return {
    kind: s.kind,
    metadata: { name: s.name ?? "one", namespace: s.namespace, labels: { ...s.labels }, generation: 2 },
    spec: { replicas: 2, template: { spec: { containers: [{ name: "app", image: "busybox" }] } } },
    status: { observedGeneration: 2, replicas: 2, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1, conditions: [{ type: check.condition?.type ?? "Ready", status: "False", reason: "NotReadyYet" }] },
  };
}

function wrongValue(e: NonNullable<Check["expect"]>[number]): unknown {
  if (e.equals !== undefined) return typeof e.equals === "number" ? e.equals + 1 : typeof e.equals === "boolean" ? !e.equals : `${e.equals}-other`;
  if (e.oneOf !== undefined) return "SomethingElse";
  if (e.gte !== undefined) return e.gte - 1;
  if (e.lte !== undefined) return e.lte + 1;
  if (e.regex !== undefined) return "zzz";
  if (e.exists === false) return { httpGet: { path: "/", port: 80 }, periodSeconds: 10 };
  return "x";
}

function rightValue(e: NonNullable<Check["expect"]>[number]): unknown {
  if (e.equals !== undefined) return e.equals;
  if (e.oneOf !== undefined) return e.oneOf[0];
  if (e.gte !== undefined) return e.gte;
  if (e.lte !== undefined) return e.lte;
  if (e.exists === true) return "set";
  return undefined;
}

/** The objects to judge one check on: none, then each field missing, wrong and right. */
function casesFor(check: Check): KubeObject[][] {
  const cases: KubeObject[][] = [[]];
  const base = baseObject(check);
  cases.push([base]);
  const pathOf = (e: NonNullable<Check["expect"]>[number]) => e.path ?? `${base.kind === "Pod" ? "spec" : "spec.template.spec"}.containers[0].env[name=${e.env!.name}].value`;
  for (const e of check.expect ?? []) {
    const wrong = structuredClone(base) as Record<string, unknown>;
    writePath(wrong, pathOf(e), wrongValue(e));
    cases.push([wrong as KubeObject]);
    const right = structuredClone(base) as Record<string, unknown>;
    for (const other of check.expect ?? []) if (rightValue(other) !== undefined) writePath(right, pathOf(other), rightValue(other));
    cases.push([right as KubeObject]);
  }
  if (check.count) cases.push([base, { ...base, metadata: { ...base.metadata, name: "two" } }, { ...base, metadata: { ...base.metadata, name: "three" } }, { ...base, metadata: { ...base.metadata, name: "four" } }]);
  return cases;
}

/** Other objects around a check's own: a pod of its selector that is not ready, a ConfigMap, an old ReplicaSet. */
function relatedWorld(check: Check): (kind: string) => KubeObject[] {
  const ns = check.select!.namespace;
  return (kind) => {
    if (kind === "Pod") return [{ kind, metadata: { name: "pod-1", namespace: ns, labels: { app: "other" } }, spec: { containers: [{ name: "app", ports: [{ name: "http", containerPort: 8080 }] }] }, status: { conditions: [{ type: "Ready", status: "False" }] } }];
    if (kind === "ConfigMap") return [{ kind, metadata: { name: "settings", namespace: ns }, data: { MODE: "dev" } }];
    if (kind === "ReplicaSet") return [{ kind, metadata: { name: "rs-1", namespace: ns, annotations: { "deployment.kubernetes.io/revision": "1" } } }];
    return [];
  };
}

const contentDir = path.resolve("content");
const course = listLessonIds(contentDir).flatMap((lessonId) => (readExercises(contentDir, lessonId)?.exercises ?? []).map((exercise) => ({ lessonId, exercise })));

describe("every message the course's checks can show", () => {
  it("finds the course's checks", () => {
    expect(course.flatMap((c) => c.exercise.checks).length).toBeGreaterThan(100);
  });

  for (const { lessonId, exercise } of course) {
    it(`${lessonId} / ${exercise.id}: reads as a person wrote it, in Korean and English`, () => {
      const problems: string[] = [];
      for (const check of exercise.checks) {
        const results: Pick<CheckResult, "message" | "expected" | "found">[] = [];
        for (const e of check.expect ?? []) if (e.regex !== undefined && !e.says) problems.push(`${check.id}: a regex without says shows the learner a pattern`);
        if (check.select) {
          for (const objects of casesFor(check)) results.push(evaluateSelectCheck(check, objects), evaluateSelectCheck(check, objects, relatedWorld(check)));
        }
        else {
          const found = say.commandFoundText("value-it-printed");
          results.push({ message: check.says?.pass ? say.fillFound(check.says.pass, found) : say.commandPassed() });
          results.push({ message: check.says ? say.fillFound(check.says.fail, found) : say.commandFailed(1), found });
          results.push({ message: check.says ? say.fillFound(check.says.fail, undefined) : say.commandFailed(1) });
          results.push({ message: say.commandTimedOut(8) });
        }
        for (const r of results) for (const p of problemsOf(r)) problems.push(`${check.id}: ${p}`);
      }
      expect(problems).toEqual([]);
    });
  }
});

describe("wrong and alternative answers", () => {
  // Issue 15: every exercise carries at least one wrong answer (refused, with the words that
  // say why) and one right answer reached another way (accepted); the content test and
  // `npm run lessons:prove` run them on a lab.
  it("cover every exercise of the course", () => {
    expect(course.length).toBeGreaterThanOrEqual(39);
    const uncovered = course.filter(({ exercise }) => !exercise.wrong?.length || !exercise.alternative?.length).map(({ lessonId, exercise }) => `${lessonId}/${exercise.id}`);
    expect(uncovered, "exercises without both a wrong and an alternative answer").toEqual([]);
  });
});

describe("command checks", () => {
  // Issue 15: a check that must stay a command says, in both languages, the value it found
  // (the last line it printed fills {found}), never just "it did not hold".
  it("each say in both languages what they found", () => {
    const silent = course.flatMap(({ lessonId, exercise }) =>
      exercise.checks.filter((c) => c.command && !(c.says?.fail.en.includes("{found}") && c.says.fail.ko.includes("{found}"))).map((c) => `${lessonId}/${exercise.id}/${c.id}`),
    );
    expect(silent, "command checks whose fail message does not say what they found").toEqual([]);
  });
});

describe("the rule itself", () => {
  const bad = (text: Bilingual) => problemsOf({ message: text });
  it("catches a script, a path, JSON, English on a Korean card and a repeated word", () => {
    expect(bad({ en: "`kubectl get x\nexit 1` failed", ko: "실패" })).not.toEqual([]);
    expect(bad({ en: "shop-4gfl4: endpoints[1].addresses[0] is not set", ko: "설정되지 않음" })).not.toEqual([]);
    expect(bad({ en: 'found {"a":1', ko: "값" })).not.toEqual([]);
    expect(bad({ en: "ok", ko: "현재값: not set" })).not.toEqual([]);
    expect(bad({ en: "ok", ko: "maxSurge 값이 1 값이어야 합니다" })).not.toEqual([]);
    expect(bad({ en: "ok", ko: "셀렉터에 맞는 파드 파드 2개가 있습니다" })).not.toEqual([]);
    expect(bad({ en: "ok", ko: "지금은 `/tmp`에 `emptyDir` 볼륨을, `/run`에 컨피그맵 `a`를 마운트합니다." })).toEqual([]);
    expect(bad({ en: "Deployment `web`: 3 replicas.", ko: "디플로이먼트 `web`: 레플리카는 3개입니다." })).toEqual([]);
  });
});
