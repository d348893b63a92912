// Every sentence the grader says, in Korean and English. Checks are evaluated elsewhere;
// this file only turns what was found into words. Korean uses the terms of the Korean
// Kubernetes docs and puts a Korean noun before each particle (see korean.ts).
import { isClusterScoped, kindLabel } from "./kinds";
import { mustBe, subject, topic } from "./korean";
import type { Bilingual } from "./results";

export interface FieldName extends Bilingual {
  /** A number of things ("4 ready replicas"), said with 개 in Korean. */
  countable?: boolean;
}

type Rule = [RegExp, (m: RegExpMatchArray) => FieldName];

const CONTAINERS = String.raw`(?:spec\.template\.spec|spec\.jobTemplate\.spec\.template\.spec|spec)\.(?:initContainers|containers)\[\d+\]`;

// Most specific first; the first match names the field.
const FIELD_RULES: Rule[] = [
  [/^spec\.replicas$/, () => ({ en: "replicas", ko: "레플리카", countable: true })],
  [/^status\.replicas$/, () => ({ en: "replicas in total", ko: "전체 레플리카", countable: true })],
  [/^status\.readyReplicas$/, () => ({ en: "ready replicas", ko: "준비된 레플리카", countable: true })],
  [/^status\.availableReplicas$/, () => ({ en: "available replicas", ko: "사용 가능한 레플리카", countable: true })],
  [/^status\.updatedReplicas$/, () => ({ en: "updated replicas", ko: "업데이트된 레플리카", countable: true })],
  [/^status\.currentReplicas$/, () => ({ en: "current replicas", ko: "현재 레플리카", countable: true })],
  [/^status\.succeeded$/, () => ({ en: "succeeded pods", ko: "성공한 파드", countable: true })],
  [/^status\.active$/, () => ({ en: "active pods", ko: "실행 중인 파드", countable: true })],
  [new RegExp(`^${CONTAINERS}\\.image$`), () => ({ en: "container image", ko: "컨테이너 이미지" })],
  [new RegExp(`^${CONTAINERS}\\.name$`), () => ({ en: "container name", ko: "컨테이너 이름" })],
  [new RegExp(`^${CONTAINERS}\\.ports\\[\\d+\\]\\.containerPort$`), () => ({ en: "container port", ko: "컨테이너 포트" })],
  [new RegExp(`^${CONTAINERS}\\.resources\\.requests\\.(cpu|memory)$`), (m) => ({ en: `${m[1] === "cpu" ? "CPU" : "memory"} request`, ko: `${m[1] === "cpu" ? "CPU" : "메모리"} 요청량` })],
  [new RegExp(`^${CONTAINERS}\\.resources\\.limits\\.(cpu|memory)$`), (m) => ({ en: `${m[1] === "cpu" ? "CPU" : "memory"} limit`, ko: `${m[1] === "cpu" ? "CPU" : "메모리"} 제한` })],
  [new RegExp(`^${CONTAINERS}\\.(readinessProbe|livenessProbe|startupProbe)$`), (m) => ({ en: m[1]!, ko: `${m[1]} 프로브` })],
  [/^spec\.ports\[\d+\]\.port$/, () => ({ en: "service port", ko: "서비스 포트" })],
  [/^spec\.ports\[\d+\]\.targetPort$/, () => ({ en: "target port", ko: "대상 포트" })],
  [/^spec\.ports\[\d+\]\.nodePort$/, () => ({ en: "node port", ko: "노드 포트" })],
  [/^spec\.ports\[\d+\]\.protocol$/, () => ({ en: "protocol", ko: "프로토콜" })],
  [/^spec\.ports\[\d+\]\.name$/, () => ({ en: "port name", ko: "포트 이름" })],
  [/^spec\.ports$/, () => ({ en: "ports", ko: "포트 목록" })],
  [/^spec\.type$/, () => ({ en: "type", ko: "타입" })],
  [/^spec\.clusterIP$/, () => ({ en: "cluster IP", ko: "클러스터 IP" })],
  [/^status\.loadBalancer\.ingress\[\d+\]\.ip$/, () => ({ en: "external IP", ko: "외부 IP" })],
  [/^spec\.selector\.matchLabels\.(.+)$/, (m) => ({ en: `selector ${m[1]}`, ko: `${m[1]} 셀렉터` })],
  [/^spec\.selector\.(?!matchLabels|matchExpressions)(.+)$/, (m) => ({ en: `selector ${m[1]}`, ko: `${m[1]} 셀렉터` })],
  [/^spec\.template\.metadata\.labels\.(.+)$/, (m) => ({ en: `pod template label ${m[1]}`, ko: `파드 템플릿의 ${m[1]} 레이블` })],
  [/^metadata\.labels\.(.+)$/, (m) => ({ en: `label ${m[1]}`, ko: `${m[1]} 레이블` })],
  [/^metadata\.labels$/, () => ({ en: "labels", ko: "레이블" })],
  [/^metadata\.annotations\.(.+)$/, (m) => ({ en: `annotation ${m[1]}`, ko: `${m[1]} 어노테이션` })],
  [/^metadata\.name$/, () => ({ en: "name", ko: "이름" })],
  [/^metadata\.namespace$/, () => ({ en: "namespace", ko: "네임스페이스" })],
  [/^(?:data|stringData)\.(.+)$/, (m) => ({ en: `key ${m[1]}`, ko: `${m[1]} 키` })],
  [/^spec\.strategy\.type$/, () => ({ en: "update strategy", ko: "업데이트 전략" })],
  [/^spec\.strategy\.rollingUpdate\.(maxSurge|maxUnavailable)$/, (m) => ({ en: m[1]!, ko: `${m[1]} 값` })],
  [/^spec\.serviceName$/, () => ({ en: "governing Service", ko: "거버닝 서비스" })],
  [/^spec\.storageClassName$/, () => ({ en: "storage class", ko: "스토리지클래스" })],
  [/^spec\.resources\.requests\.storage$/, () => ({ en: "requested storage", ko: "요청한 스토리지 크기" })],
  [/^spec\.accessModes(\[\d+\])?$/, () => ({ en: "access mode", ko: "접근 모드" })],
  [/^spec\.nodeName$/, () => ({ en: "node", ko: "노드" })],
  [/^status\.phase$/, () => ({ en: "phase", ko: "단계(phase)" })],
  [/^spec\.rules\[\d+\]\.host$/, () => ({ en: "host", ko: "호스트" })],
  [/^spec\.ingressClassName$/, () => ({ en: "ingress class", ko: "인그레스클래스" })],
  [/^status\.containerStatuses\[\d+\]\.restartCount$/, () => ({ en: "restart count", ko: "재시작 횟수" })],
  [/^status\.containerStatuses\[\d+\]\.ready$/, () => ({ en: "container readiness", ko: "컨테이너 준비 상태" })],
];

/** A friendly name for a field path, or the path itself ("spec.x 필드") when none fits. */
export function fieldName(path: string): FieldName {
  const dotted = path.replace(/\["([^"\]]+)"\]/g, ".$1");
  for (const [re, name] of FIELD_RULES) {
    const m = dotted.match(re);
    if (m) return name(m);
  }
  return { en: path, ko: `${path} 필드` };
}

/** Fields Kubernetes omits when they are zero (status.readyReplicas of a scaled-down Deployment). */
export function zeroWhenMissing(path: string): boolean {
  return /^status\.(replicas|readyReplicas|availableReplicas|updatedReplicas|currentReplicas|succeeded|active)$/.test(path);
}

const NOT_SET = { en: "not set", ko: "설정되지 않음" };

/** A value as a learner reads it: strings bare, anything else as compact JSON, long ones cut. */
export function showValue(value: unknown): string {
  if (value === undefined || value === null) return NOT_SET.en;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

// ---- which objects ---------------------------------------------------------------------------

export interface SelectionText {
  kind: string;
  name?: string;
  namespace: string;
  labels?: Record<string, string>;
}

const labelText = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",");

function pluralKind(kind: string): string {
  if (kind.endsWith("ss")) return `${kind}es`;
  if (kind.endsWith("s")) return kind;
  if (/[^aeiou]y$/.test(kind)) return `${kind.slice(0, -1)}ies`;
  return `${kind}s`;
}

/** "Deployment web" / "디플로이먼트 web", with the namespace when it is not default. */
export function objectText(kind: string, name: string, namespace: string | undefined): Bilingual {
  const k = kindLabel(kind);
  if (!namespace || namespace === "default") return { en: `${k.en} ${name}`, ko: `${k.ko} ${name}` };
  return { en: `${k.en} ${name} in namespace ${namespace}`, ko: `${namespace} 네임스페이스의 ${k.ko} ${name}` };
}

function selectionParts(s: SelectionText) {
  const k = kindLabel(s.kind);
  const scoped = !isClusterScoped(s.kind);
  const en = [s.name ? ` named ${s.name}` : "", s.labels ? ` with labels ${labelText(s.labels)}` : "", scoped ? ` in namespace ${s.namespace}` : ""].join("");
  const koWhere = scoped ? `${s.namespace} 네임스페이스에 ` : "클러스터에 ";
  const koWhich = [s.labels ? `레이블이 ${labelText(s.labels)}인 ` : "", s.name ? `${s.name} ` : ""].join("");
  return { k, en, koWhere, koWhich };
}

/** "no Deployment named web in namespace default" */
export function nothingSelected(s: SelectionText): Bilingual {
  const { k, en, koWhere, koWhich } = selectionParts(s);
  return { en: `No ${k.en}${en}.`, ko: `${koWhere}${koWhich}${subject(k.ko)} 없습니다.` };
}

export function unknownKind(kind: string): Bilingual {
  return {
    en: `The cluster has no resource type ${kind} (is its CustomResourceDefinition installed?).`,
    ko: `클러스터에 ${kind} 리소스 타입이 없습니다. CustomResourceDefinition이 설치되어 있는지 확인하세요.`,
  };
}

// ---- count ---------------------------------------------------------------------------------

export interface CountBounds {
  equals?: number;
  gte?: number;
  lte?: number;
}

function countWords(c: CountBounds): Bilingual {
  if (c.equals !== undefined) return { en: `exactly ${c.equals}`, ko: `${c.equals}개` };
  if (c.gte !== undefined && c.lte !== undefined) return { en: `between ${c.gte} and ${c.lte}`, ko: `${c.gte}개 이상 ${c.lte}개 이하` };
  if (c.gte !== undefined) return { en: `at least ${c.gte}`, ko: `${c.gte}개 이상` };
  return { en: `at most ${c.lte}`, ko: `${c.lte}개 이하` };
}

export function countExpectedText(c: CountBounds): string {
  return countWords(c).en;
}

export function countMismatch(s: SelectionText, c: CountBounds, found: number): Bilingual {
  const { k, en, koWhere, koWhich } = selectionParts(s);
  const w = countWords(c);
  return {
    en: `Expected ${w.en} ${pluralKind(k.en)}${en}, found ${found}.`,
    ko: `${koWhere}${koWhich}${subject(k.ko)} ${mustBe(w.ko)} 하는데 ${found}개입니다.`,
  };
}

export function countMatched(s: SelectionText, found: number): Bilingual {
  const { k, en, koWhere, koWhich } = selectionParts(s);
  if (found === 0) return { en: `No ${k.en}${en}, as expected.`, ko: `${koWhere}${koWhich}${subject(k.ko)} 없습니다.` };
  return { en: `Found ${found} ${found === 1 ? k.en : pluralKind(k.en)}${en}.`, ko: `${koWhere}${koWhich}${subject(k.ko)} ${found}개 있습니다.` };
}

// ---- field expectations --------------------------------------------------------------------

export type Matcher =
  | { op: "equals"; value: string | number | boolean }
  | { op: "oneOf"; values: (string | number | boolean)[] }
  | { op: "regex"; source: string }
  | { op: "gte" | "lte"; value: number }
  | { op: "exists"; value: boolean };

export function matcherExpectedText(m: Matcher): string {
  switch (m.op) {
    case "equals":
      return showValue(m.value);
    case "oneOf":
      return `one of ${m.values.map(showValue).join(", ")}`;
    case "regex":
      return `/${m.source}/`;
    case "gte":
      return `≥ ${m.value}`;
    case "lte":
      return `≤ ${m.value}`;
    case "exists":
      return m.value ? "set" : NOT_SET.en;
  }
}

/** "Deployment web: expected 4 ready replicas, found 2." and its Korean. */
export function fieldMismatch(object: Bilingual, path: string, m: Matcher, found: unknown): Bilingual {
  const f = fieldName(path);
  const missing = found === undefined || found === null;
  const v = showValue(found);
  const prefix = (b: Bilingual): Bilingual => ({ en: `${object.en}: ${b.en}`, ko: `${object.ko}: ${b.ko}` });

  if (m.op === "exists") {
    return prefix(
      m.value
        ? { en: `${f.en} is not set.`, ko: `${subject(f.ko)} 설정되어 있지 않습니다.` }
        : { en: `${f.en} should not be set, found ${v}.`, ko: `${subject(f.ko)} 없어야 하는데 ${v} 값이 있습니다.` },
    );
  }
  if (f.countable && (m.op === "equals" || m.op === "gte" || m.op === "lte") && typeof m.value === "number") {
    const en = m.op === "equals" ? `${m.value}` : m.op === "gte" ? `at least ${m.value}` : `at most ${m.value}`;
    const ko = m.op === "equals" ? `${m.value}개여야` : m.op === "gte" ? `${m.value}개 이상이어야` : `${m.value}개 이하여야`;
    return prefix({
      en: `expected ${en} ${f.en}, found ${missing ? "none" : v}.`,
      ko: `${subject(f.ko)} ${ko} 하는데 ${missing ? "없습니다" : `${v}개입니다`}.`,
    });
  }
  const foundEn = missing ? "but it is not set" : `found ${v}`;
  const foundKo = missing ? "설정되어 있지 않습니다" : `지금은 ${v}입니다`;
  switch (m.op) {
    case "equals":
      return prefix({ en: `${f.en} should be ${showValue(m.value)}, ${foundEn}.`, ko: `${subject(f.ko)} ${showValue(m.value)} 값이어야 하는데 ${foundKo}.` });
    case "oneOf": {
      const list = m.values.map(showValue).join(", ");
      return prefix({ en: `${f.en} should be one of ${list}, ${foundEn}.`, ko: `${topic(f.ko)} ${list} 중 하나여야 하는데 ${foundKo}.` });
    }
    case "regex":
      return prefix({ en: `${f.en} should match /${m.source}/, ${foundEn}.`, ko: `${subject(f.ko)} /${m.source}/ 패턴에 맞아야 하는데 ${foundKo}.` });
    case "gte":
      return prefix({ en: `${f.en} should be at least ${m.value}, ${foundEn}.`, ko: `${subject(f.ko)} ${m.value} 이상이어야 하는데 ${foundKo}.` });
    case "lte":
      return prefix({ en: `${f.en} should be at most ${m.value}, ${foundEn}.`, ko: `${subject(f.ko)} ${m.value} 이하여야 하는데 ${foundKo}.` });
  }
}

/** A satisfied expectation, for the pass message: "ready replicas 4" / "준비된 레플리카 4개". */
export function fieldSatisfied(path: string, m: Matcher, found: unknown): Bilingual {
  const f = fieldName(path);
  if (m.op === "exists") return m.value ? { en: `${f.en} is set`, ko: `${f.ko} 설정됨` } : { en: `${f.en} is not set`, ko: `${f.ko} 없음` };
  if (f.countable && typeof found === "number") return { en: `${found} ${f.en}`, ko: `${f.ko} ${found}개` };
  return { en: `${f.en} ${showValue(found)}`, ko: `${f.ko} ${showValue(found)}` };
}

// ---- conditions and rollouts ---------------------------------------------------------------

const conditionStatusKo = (s: string) => mustBe(s);

export function conditionMissing(object: Bilingual, type: string): Bilingual {
  return { en: `${object.en}: condition ${type} is not reported yet.`, ko: `${object.ko}: ${type} 상태 조건이 아직 없습니다.` };
}

export function conditionMismatch(object: Bilingual, type: string, want: string, found: string, reason?: string): Bilingual {
  const why = reason ? ` (${reason})` : "";
  return {
    en: `${object.en}: condition ${type} should be ${want}, found ${found}${why}.`,
    ko: `${object.ko}: ${type} 상태 조건이 ${conditionStatusKo(want)} 하는데 ${found}입니다${why}.`,
  };
}

export function conditionSatisfied(type: string, status: string): Bilingual {
  return { en: `${type} is ${status}`, ko: `${type} 상태 조건 ${status}` };
}

export type RolloutGap =
  | { reason: "notObserved" }
  | { reason: "stuck"; detail: string }
  | { reason: "updating"; updated: number; desired: number }
  | { reason: "oldReplicas"; old: number }
  | { reason: "unavailable"; available: number; desired: number }
  | { reason: "revision" };

export function rolloutIncomplete(object: Bilingual, gap: RolloutGap): Bilingual {
  const p = (en: string, ko: string): Bilingual => ({ en: `${object.en}: ${en}`, ko: `${object.ko}: ${ko}` });
  switch (gap.reason) {
    case "notObserved":
      return p("the rollout has not started yet (the controller has not seen the latest change).", "롤아웃이 아직 시작되지 않았습니다. 컨트롤러가 최신 변경 사항을 아직 반영하지 않았습니다.");
    case "stuck":
      return p(`the rollout is stuck: ${gap.detail}`, `롤아웃이 멈췄습니다: ${gap.detail}`);
    case "updating":
      return p(`rollout in progress: ${gap.updated} of ${gap.desired} replicas updated.`, `롤아웃이 진행 중입니다. 레플리카 ${gap.desired}개 중 ${gap.updated}개가 업데이트되었습니다.`);
    case "oldReplicas":
      return p(`rollout in progress: ${gap.old} old replicas are still running.`, `롤아웃이 진행 중입니다. 이전 레플리카 ${gap.old}개가 아직 남아 있습니다.`);
    case "unavailable":
      return p(
        `rollout in progress: ${gap.available} of ${gap.desired} updated replicas are available.`,
        `롤아웃이 진행 중입니다. 업데이트된 레플리카 ${gap.desired}개 중 ${gap.available}개가 사용 가능합니다.`,
      );
    case "revision":
      return p("rollout in progress: not every pod runs the new revision yet.", "롤아웃이 진행 중입니다. 아직 모든 파드가 새 리비전으로 바뀌지 않았습니다.");
  }
}

export function rolloutComplete(desired: number): Bilingual {
  return { en: `rollout complete, all ${desired} replicas updated and available`, ko: `롤아웃 완료, 레플리카 ${desired}개 모두 업데이트되어 사용 가능` };
}

/** Joins what held for one object into the pass message. */
export function allSatisfied(object: Bilingual, parts: Bilingual[]): Bilingual {
  if (parts.length === 0) return { en: `${object.en}: as expected.`, ko: `${object.ko}: 조건을 모두 충족합니다.` };
  return { en: `${object.en}: ${parts.map((p) => p.en).join(", ")}.`, ko: `${object.ko}: ${parts.map((p) => p.ko).join(", ")}.` };
}

export function manySatisfied(s: SelectionText, n: number, parts: Bilingual[]): Bilingual {
  const { k, en, koWhere, koWhich } = selectionParts(s);
  const what = { en: `All ${n} ${pluralKind(k.en)}${en}`, ko: `${koWhere.replace(/에 $/, "의 ")}${koWhich}${k.ko} ${n}개 모두` };
  if (parts.length === 0) return { en: `${what.en}: as expected.`, ko: `${what.ko}: 조건을 충족합니다.` };
  return { en: `${what.en}: ${parts.map((p) => p.en).join(", ")}.`, ko: `${what.ko}: ${parts.map((p) => p.ko).join(", ")}.` };
}

// ---- commands, errors, setup ---------------------------------------------------------------

const tail = (text: string) => {
  const line = text.trim().split("\n").filter(Boolean).at(-1) ?? "";
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
};

export function commandPassed(command: string): Bilingual {
  return { en: `\`${command}\` succeeded.`, ko: `\`${command}\` 명령이 성공했습니다.` };
}

export function commandFailed(command: string, exitCode: number, output: string): Bilingual {
  const out = tail(output);
  return {
    en: `\`${command}\` failed with exit code ${exitCode}${out ? `: ${out}` : "."}`,
    ko: `\`${command}\` 명령이 실패했습니다(종료 코드 ${exitCode})${out ? `: ${out}` : "."}`,
  };
}

export function commandTimedOut(command: string, seconds: number): Bilingual {
  return { en: `\`${command}\` did not finish within ${seconds} s.`, ko: `\`${command}\` 명령이 ${seconds}초 안에 끝나지 않았습니다.` };
}

export function labUnreadable(detail: string): Bilingual {
  const d = tail(detail);
  return {
    en: `The lab's cluster could not be read${d ? `: ${d}` : "."}`,
    ko: `실습 클러스터를 읽을 수 없습니다${d ? `: ${d}` : "."}`,
  };
}

export function checkNotRun(): Bilingual {
  return { en: "Not checked: the lab's cluster could not be read.", ko: "실습 클러스터를 읽을 수 없어 확인하지 못했습니다." };
}

export function setupFailed(exitCode: number, output: string): Bilingual {
  const out = tail(output);
  return {
    en: `Preparing this exercise in the lab failed (exit code ${exitCode})${out ? `: ${out}` : "."}`,
    ko: `실습 환경에서 이 과제를 준비하지 못했습니다(종료 코드 ${exitCode})${out ? `: ${out}` : "."}`,
  };
}
