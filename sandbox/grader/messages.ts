// Every sentence the grader says, in Korean and English. Checks are evaluated elsewhere; this
// file only turns what was found into words a person would write. Rules every message keeps:
// - Anything the learner typed or the cluster holds (names, images, values, labels) is in
//   `code`; the card shows it as code, and a Korean message has no other Latin words except
//   the abbreviations the Korean Kubernetes docs keep (CPU, IP, HTTP...).
// - Fields are named by field-names.ts, never by their path; no JSON, no scripts.
// - Korean puts the right particle after every word (korean.ts), and says a value once.
import { fieldName, type FieldName } from "./field-names";
import { isClusterScoped, kindLabel } from "./kinds";
import { endsWithBatchim, mustBe, object as objectParticle, subject, toward, topic } from "./korean";
import type { Bilingual } from "./results";

export { fieldName, type FieldName } from "./field-names";

export const code = (s: string) => `\`${s.replace(/`/g, "'").replace(/\s*\n\s*/g, " ")}\``;

/** Fields Kubernetes omits when they are zero (status.readyReplicas of a scaled-down Deployment). */
export function zeroWhenMissing(path: string): boolean {
  return /^status\.(replicas|readyReplicas|availableReplicas|updatedReplicas|currentReplicas|succeeded|active)$/.test(path);
}

const NOT_SET: Bilingual = { en: "not set", ko: "설정되지 않음" };
const MAX_TEXT = 80;

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

function scalarText(v: string | number | boolean): string {
  const text = String(v);
  if (text.includes("\n")) {
    const first = text.split("\n").find((l) => l.trim()) ?? "";
    return code(first.length > MAX_TEXT ? `${first.slice(0, MAX_TEXT)}…` : `${first} …`);
  }
  return code(text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text);
}

/**
 * A value as a learner reads it: scalars as `code`, lists of scalars joined, a small map as
 * key=value, anything bigger said in words. Never JSON, never cut in the middle of a structure.
 */
export function showValue(value: unknown, unit?: FieldName["unit"]): Bilingual {
  if (value === undefined || value === null) return NOT_SET;
  if (typeof value === "number" && unit === "count") return { en: String(value), ko: `${value}개` };
  if (typeof value === "number" && unit === "seconds") return { en: `${value} s`, ko: `${value}초` };
  if (isScalar(value)) {
    const t = scalarText(value);
    return { en: t, ko: t };
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return { en: "an empty list", ko: "빈 목록" };
    if (value.every(isScalar) && value.length <= 5) {
      const t = value.map(scalarText).join(", ");
      return { en: t, ko: t };
    }
    return { en: `a list of ${value.length}`, ko: `항목 ${value.length}개짜리 목록` };
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return { en: "empty", ko: "비어 있음" };
  if (entries.length <= 3 && entries.every(([, v]) => isScalar(v))) {
    const t = entries.map(([k, v]) => code(`${k}=${String(v)}`)).join(", ");
    return { en: t, ko: t };
  }
  return { en: "set", ko: "설정되어 있음" };
}

// ---- which objects ---------------------------------------------------------------------------

export interface SelectionText {
  kind: string;
  name?: string;
  namespace: string;
  labels?: Record<string, string>;
}

const labelText = (labels: Record<string, string>) => code(Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(","));

function pluralKind(kind: string): string {
  if (kind.endsWith("ss")) return `${kind}es`;
  if (kind.endsWith("s")) return kind;
  if (/[^aeiou]y$/.test(kind)) return `${kind.slice(0, -1)}ies`;
  return `${kind}s`;
}

/** "Deployment `web`" / "디플로이먼트 `web`", with the namespace when it is not default. */
export function objectText(kind: string, name: string, namespace: string | undefined): Bilingual {
  const k = kindLabel(kind);
  if (!namespace || namespace === "default" || isClusterScoped(kind)) return { en: `${k.en} ${code(name)}`, ko: `${k.ko} ${code(name)}` };
  return { en: `${k.en} ${code(name)} in namespace ${code(namespace)}`, ko: `${code(namespace)} 네임스페이스의 ${k.ko} ${code(name)}` };
}

function selectionParts(s: SelectionText) {
  const k = kindLabel(s.kind);
  const scoped = !isClusterScoped(s.kind);
  const en = [s.name ? ` named ${code(s.name)}` : "", s.labels ? ` with labels ${labelText(s.labels)}` : "", scoped ? ` in namespace ${code(s.namespace)}` : ""].join("");
  const koWhere = scoped ? `${code(s.namespace)} 네임스페이스에 ` : "클러스터에 ";
  const koWhich = [s.labels ? `레이블이 ${labelText(s.labels)}인 ` : "", ""].join("");
  const koNoun = s.name ? `${k.ko} ${code(s.name)}` : k.ko;
  return { k, en, koWhere, koWhich, koNoun };
}

/** "There is no Deployment named `web` in namespace `default`." */
export function nothingSelected(s: SelectionText): Bilingual {
  const { k, en, koWhere, koWhich, koNoun } = selectionParts(s);
  return { en: `There is no ${k.en}${en}.`, ko: `${koWhere}${koWhich}${subject(koNoun)} 없습니다.` };
}

export function unknownKind(kind: string): Bilingual {
  return {
    en: `The cluster has no resource type ${code(kind)} (is its CustomResourceDefinition installed?).`,
    ko: `클러스터에 ${code(kind)} 리소스 타입이 없습니다. 이 타입의 커스텀 리소스 정의(CRD)가 설치되어 있는지 확인하세요.`,
  };
}

// ---- count ---------------------------------------------------------------------------------

export interface CountBounds {
  equals?: number;
  gte?: number;
  lte?: number;
}

/** The expected number of objects: "3" / "3개", "at least 2" / "2개 이상". */
export function countExpectedText(c: CountBounds): Bilingual {
  if (c.equals !== undefined) return { en: String(c.equals), ko: `${c.equals}개` };
  if (c.gte !== undefined && c.lte !== undefined) return { en: `between ${c.gte} and ${c.lte}`, ko: `${c.gte}개 이상 ${c.lte}개 이하` };
  if (c.gte !== undefined) return { en: `at least ${c.gte}`, ko: `${c.gte}개 이상` };
  return { en: `at most ${c.lte}`, ko: `${c.lte}개 이하` };
}

export function countFoundText(n: number): Bilingual {
  return { en: String(n), ko: `${n}개` };
}

export function countMismatch(s: SelectionText, c: CountBounds, found: number): Bilingual {
  const { k, en, koWhere, koWhich, koNoun } = selectionParts(s);
  const w = countExpectedText(c);
  const plural = c.equals === 1 && !s.name ? k.en : pluralKind(k.en);
  return {
    en: `Expected ${w.en} ${plural}${en}, found ${found}.`,
    ko: `${koWhere}${koWhich}${subject(koNoun)} ${mustBe(w.ko)} 하는데 ${found === 0 ? "하나도 없습니다" : `${found}개입니다`}.`,
  };
}

export function countMatched(s: SelectionText, found: number): Bilingual {
  const { k, en, koWhere, koWhich, koNoun } = selectionParts(s);
  if (found === 0) return { en: `There is no ${k.en}${en}, as it should be.`, ko: `${koWhere}${koWhich}${subject(koNoun)} 없습니다. 그래야 합니다.` };
  if (found === 1 && s.name) return { en: `${k.en} ${code(s.name)} exists${s.labels ? ` with labels ${labelText(s.labels)}` : ""}.`, ko: `${koWhere}${koWhich}${subject(koNoun)} 있습니다.` };
  return { en: `There ${found === 1 ? "is 1" : `are ${found}`} ${found === 1 ? k.en : pluralKind(k.en)}${en}.`, ko: `${koWhere}${koWhich}${subject(koNoun)} ${found}개 있습니다.` };
}

// ---- field expectations --------------------------------------------------------------------

export type Matcher =
  | { op: "equals"; value: string | number | boolean }
  | { op: "oneOf"; values: (string | number | boolean)[] }
  | { op: "regex"; source: string; says?: Bilingual }
  /** Equal to a field of other objects (`values`, what they hold now), or `nothing` when there is none to compare with. */
  | { op: "sameAs"; values: (string | number | boolean)[]; says?: Bilingual }
  | { op: "gte" | "lte"; value: number }
  | { op: "exists"; value: boolean };

/** What a matcher wants, as a value the learner reads: "`nginx:1.27`", "`4` 이상", "설정됨". */
export function matcherExpectedText(m: Matcher, unit?: FieldName["unit"]): Bilingual {
  switch (m.op) {
    case "equals":
      return showValue(m.value, unit);
    case "oneOf": {
      const list = m.values.map((v) => showValue(v, unit));
      return { en: `one of ${list.map((l) => l.en).join(", ")}`, ko: `${list.map((l) => l.ko).join(", ")} 중 하나` };
    }
    case "regex":
      return m.says ?? { en: `matching ${code(m.source)}`, ko: `${code(m.source)} 패턴에 맞는 값` };
    case "sameAs":
      return m.says ?? (m.values.length === 1 ? showValue(m.values[0], unit) : matcherExpectedText({ op: "oneOf", values: m.values }, unit));
    case "gte": {
      const v = showValue(m.value, unit);
      return { en: `at least ${v.en}`, ko: `${v.ko} 이상` };
    }
    case "lte": {
      const v = showValue(m.value, unit);
      return { en: `at most ${v.en}`, ko: `${v.ko} 이하` };
    }
    case "exists":
      return m.value ? { en: "set", ko: "설정됨" } : NOT_SET;
  }
}

/** A port given by name: "`http` (port `80`)", or a name the container has no port for. */
/** A sameAs expectation with nothing to compare with: "there is no Node named `minikube`". */
export function sameAsNothing(object: Bilingual, f: FieldName, s: SelectionText): Bilingual {
  const none = nothingSelected(s);
  return { en: `${object.en}: ${f.en} cannot be compared. ${none.en}`, ko: `${object.ko}: ${topic(f.ko)} 비교할 대상이 없습니다. ${none.ko}` };
}

export function namedPortValue(name: string, resolved: number | undefined): Bilingual {
  if (resolved === undefined) return { en: `${code(name)}, a name no port of the container has`, ko: `컨테이너에 없는 포트 이름 ${code(name)}` };
  return { en: `${code(name)} (port ${code(String(resolved))})`, ko: `${code(name)}(${code(String(resolved))}번 포트)` };
}

/** A value found in a Secret, never shown. */
export const HIDDEN: Bilingual = { en: "a value (not shown, it is secret)", ko: "값 있음(시크릿이라 보여 주지 않음)" };

const missing = (v: unknown) => v === undefined || v === null;

/** "Deployment `web`: expected 4 ready replicas, found 2." and its Korean. */
export function fieldMismatch(object: Bilingual, f: FieldName, m: Matcher, found: unknown, options: { secret?: boolean; shown?: Bilingual } = {}): Bilingual {
  const v = options.shown ?? (options.secret && !missing(found) ? HIDDEN : showValue(found, f.unit));
  const prefix = (b: Bilingual): Bilingual => ({ en: `${object.en}: ${b.en}`, ko: `${object.ko}: ${b.ko}` });

  if (m.op === "exists") {
    return prefix(
      m.value
        ? { en: `${f.en} is not set.`, ko: `${subject(f.ko)} 설정되어 있지 않습니다.` }
        : { en: `${f.en} should not be set, but it is${typeof found === "object" ? "" : ` (${v.en})`}.`, ko: `${subject(f.ko)} 없어야 하는데 설정되어 있습니다${typeof found === "object" ? "" : `(${v.ko})`}.` },
    );
  }
  if (f.unit === "count" && (m.op === "equals" || m.op === "gte" || m.op === "lte") && typeof m.value === "number") {
    const en = m.op === "equals" ? `${m.value}` : m.op === "gte" ? `at least ${m.value}` : `at most ${m.value}`;
    const ko = m.op === "equals" ? `${m.value}개여야` : m.op === "gte" ? `${m.value}개 이상이어야` : `${m.value}개 이하여야`;
    const none = missing(found) || found === 0;
    return prefix({
      en: `expected ${en} ${f.en}, found ${none ? "none" : v.en}.`,
      ko: `${subject(f.ko)} ${ko} 하는데 ${none ? "하나도 없습니다" : `${v.ko}입니다`}.`,
    });
  }
  const want = matcherExpectedText(m, f.unit);
  const foundEn = missing(found) ? "but it is not set" : `but it is ${v.en}`;
  const foundKo = missing(found) ? "설정되어 있지 않습니다" : `지금은 ${v.ko}입니다`;
  switch (m.op) {
    case "oneOf":
      return prefix({ en: `${f.en} should be ${want.en}, ${foundEn}.`, ko: `${topic(f.ko)} ${want.ko}여야 하는데 ${foundKo}.` });
    case "regex":
      return prefix({ en: `${f.en} should ${m.says ? `be ${m.says.en}` : `match ${code(m.source)}`}, ${foundEn}.`, ko: `${subject(f.ko)} ${mustBe(want.ko)} 하는데 ${foundKo}.` });
    case "gte":
    case "lte":
      return prefix({ en: `${f.en} should be ${want.en}, ${foundEn}.`, ko: `${subject(f.ko)} ${mustBe(want.ko)} 하는데 ${foundKo}.` });
    case "equals":
    case "sameAs":
      return prefix({ en: `${f.en} should be ${want.en}, ${foundEn}.`, ko: `${subject(f.ko)} ${mustBe(want.ko)} 하는데 ${foundKo}.` });
  }
}

/**
 * One thing that held, as a clause: English "3 replicas", Korean in the two forms a sentence
 * needs ("레플리카는 3개이고" inside, "레플리카는 3개입니다" at the end).
 */
export interface Clause {
  en: string;
  ko: { and: string; end: string };
  /** Says the object exists and nothing else; dropped when something more specific held. */
  existence?: boolean;
}

const copula = (head: string, noun: string): Clause["ko"] => ({ and: `${head} ${noun}${endsWithBatchim(noun) ? "이고" : "이고"}`, end: `${head} ${noun}입니다` });

/** A satisfied expectation: "3 replicas" / "레플리카는 3개". */
export function fieldSatisfied(path: string, f: FieldName, m: Matcher, found: unknown, options: { secret?: boolean; shown?: Bilingual } = {}): Clause {
  if (path === "metadata.name" && m.op === "equals") return { en: "exists", ko: { and: "있고", end: "있습니다" }, existence: true };
  if (m.op === "exists") {
    return m.value
      ? { en: `${f.en} is set`, ko: { and: `${subject(f.ko)} 설정되어 있고`, end: `${subject(f.ko)} 설정되어 있습니다` } }
      : { en: `${f.en} is not set`, ko: { and: `${subject(f.ko)} 없고`, end: `${subject(f.ko)} 없습니다` } };
  }
  const v = options.shown ?? (options.secret ? HIDDEN : showValue(found, f.unit));
  if (f.unit === "count" && typeof found === "number") return { en: `${found} ${f.en}`, ko: copula(topic(f.ko), v.ko) };
  return { en: `${f.en} is ${v.en}`, ko: copula(topic(f.ko), v.ko) };
}

// ---- conditions and rollouts ---------------------------------------------------------------

export function conditionExpectedText(type: string, status: string): Bilingual {
  return { en: `${code(type)} is ${code(status)}`, ko: `${code(type)} 컨디션 ${code(status)}` };
}

export function conditionMissing(object: Bilingual, type: string): Bilingual {
  return { en: `${object.en}: it does not report the ${code(type)} condition yet.`, ko: `${object.ko}: 아직 ${code(type)} 컨디션이 보고되지 않았습니다.` };
}

export function conditionMismatch(object: Bilingual, type: string, want: string, found: string, reason?: string): Bilingual {
  const why = reason ? { en: ` (reason: ${code(reason)})`, ko: `(사유: ${code(reason)})` } : { en: "", ko: "" };
  return {
    en: `${object.en}: the ${code(type)} condition should be ${code(want)}, but it is ${code(found)}${why.en}.`,
    ko: `${object.ko}: ${code(type)} 컨디션이 ${mustBe(code(want))} 하는데 지금은 ${code(found)}입니다${why.ko}.`,
  };
}

export function conditionSatisfied(type: string, status: string): Clause {
  return { en: `the ${code(type)} condition is ${code(status)}`, ko: copula(`${code(type)} 컨디션은`, code(status)) };
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
      return p(`the rollout is stuck: it did not finish within its progress deadline (${code(gap.detail)}).`, `롤아웃이 멈췄습니다. 진행 기한(${code("progressDeadlineSeconds")}) 안에 끝나지 않았습니다.`);
    case "updating":
      return p(`the rollout is in progress: ${gap.updated} of ${gap.desired} replicas updated.`, `롤아웃이 진행 중입니다. 레플리카 ${gap.desired}개 중 ${gap.updated}개가 업데이트되었습니다.`);
    case "oldReplicas":
      return p(`the rollout is in progress: ${gap.old} old replicas are still running.`, `롤아웃이 진행 중입니다. 이전 레플리카 ${gap.old}개가 아직 남아 있습니다.`);
    case "unavailable":
      return p(
        `the rollout is in progress: ${gap.available} of ${gap.desired} updated replicas are available.`,
        `롤아웃이 진행 중입니다. 업데이트된 레플리카 ${gap.desired}개 중 ${gap.available}개가 사용 가능합니다.`,
      );
    case "revision":
      return p("the rollout is in progress: not every pod runs the new revision yet.", "롤아웃이 진행 중입니다. 아직 모든 파드가 새 리비전으로 바뀌지 않았습니다.");
  }
}

export function rolloutExpectedText(desired: number): Bilingual {
  return { en: `${desired} updated and available`, ko: `${desired}개 모두 업데이트되어 사용 가능` };
}

export function rolloutFoundText(updated: number, available: number, total: number): Bilingual {
  return { en: `${updated} updated, ${available} available, ${total} in total`, ko: `업데이트 ${updated}개, 사용 가능 ${available}개, 전체 ${total}개` };
}

export function rolloutComplete(desired: number): Clause {
  return { en: `the rollout is complete, all ${desired} replicas updated and available`, ko: { and: `롤아웃이 끝나 레플리카 ${desired}개가 모두 업데이트되어 사용 가능하고`, end: `롤아웃이 끝나 레플리카 ${desired}개가 모두 업데이트되어 사용 가능합니다` } };
}

function joinClauses(clauses: Clause[]): { en: string; ko: string } | undefined {
  const specific = clauses.filter((c) => !c.existence);
  const shown = specific.length > 0 ? specific : clauses;
  if (shown.length === 0) return undefined;
  const en = shown.length === 1 ? shown[0]!.en : `${shown.slice(0, -1).map((c) => c.en).join(", ")} and ${shown.at(-1)!.en}`;
  const ko = [...shown.slice(0, -1).map((c) => c.ko.and), shown.at(-1)!.ko.end].join(", ");
  return { en, ko };
}

/** Joins what held for one object into the pass message. */
export function allSatisfied(object: Bilingual, clauses: Clause[]): Bilingual {
  const joined = joinClauses(clauses);
  if (!joined) return { en: `${object.en} is as it should be.`, ko: `${object.ko}: 조건을 모두 충족합니다.` };
  if (clauses.every((c) => c.existence)) return { en: `${object.en} exists.`, ko: `${subject(object.ko)} 있습니다.` };
  return { en: `${object.en}: ${joined.en}.`, ko: `${object.ko}: ${joined.ko}.` };
}

export function manySatisfied(s: SelectionText, n: number, clauses: Clause[]): Bilingual {
  const { k, en, koWhere, koWhich, koNoun } = selectionParts(s);
  const what = { en: `All ${n} ${pluralKind(k.en)}${en}`, ko: `${koWhere.replace(/에 $/, "의 ")}${koWhich}${koNoun} ${n}개 모두` };
  const joined = joinClauses(clauses);
  if (!joined || clauses.every((c) => c.existence)) return { en: `${what.en} are as they should be.`, ko: `${what.ko} 조건을 충족합니다.` };
  return { en: `${what.en}: ${joined.en}.`, ko: `${what.ko}: ${joined.ko}.` };
}

// ---- commands, errors, setup ---------------------------------------------------------------

/** The last line of some output, for a message: in `code`, one line, cut at a word. */
function lastLine(text: string): string {
  const line = text.trim().split("\n").map((l) => l.trim()).filter(Boolean).at(-1) ?? "";
  return line.length > 160 ? `${line.slice(0, 160).replace(/\s+\S*$/, "")} …` : line;
}

/** A value a check command printed (its last line of output), to fill {found} in its messages. */
export function commandFoundText(stdout: string): Bilingual | undefined {
  const line = lastLine(stdout);
  return line ? { en: code(line), ko: code(line) } : undefined;
}

export function fillFound(template: Bilingual, found: Bilingual | undefined): Bilingual {
  return { en: template.en.replaceAll("{found}", found?.en ?? NOT_SET.en), ko: template.ko.replaceAll("{found}", found?.ko ?? NOT_SET.ko) };
}

export function commandPassed(): Bilingual {
  return { en: "Confirmed in your lab.", ko: "실습 환경에서 확인했습니다." };
}

export function commandFailed(exitCode: number): Bilingual {
  return {
    en: `Not yet: the check in your lab did not hold (it answered with exit code ${exitCode}).`,
    ko: `아직 아닙니다. 실습 환경에서 확인한 결과가 조건과 맞지 않습니다(종료 코드 ${exitCode}).`,
  };
}

export function commandTimedOut(seconds: number): Bilingual {
  return { en: `The check in your lab did not finish within ${seconds} s.`, ko: `실습 환경의 확인 작업이 ${seconds}초 안에 끝나지 않았습니다.` };
}

export function labUnreadable(detail: string): Bilingual {
  const d = lastLine(detail);
  return {
    en: `The lab's cluster could not be read${d ? `: ${code(d)}` : "."}`,
    ko: `실습 클러스터를 읽을 수 없습니다${d ? `: ${code(d)}` : "."}`,
  };
}

export function checkNotRun(): Bilingual {
  return { en: "Not checked: the lab's cluster could not be read.", ko: "실습 클러스터를 읽을 수 없어 확인하지 못했습니다." };
}

export function setupFailed(exitCode: number, output: string): Bilingual {
  const out = lastLine(output);
  return {
    en: `Preparing this exercise in the lab failed (exit code ${exitCode})${out ? `: ${code(out)}` : "."}`,
    ko: `실습 환경에서 이 과제를 준비하지 못했습니다(종료 코드 ${exitCode})${out ? `: ${code(out)}` : "."}`,
  };
}

/** A setup that failed in a way the grader did not foresee (grading.ts). */
/** A setup that could not run at all (not a setup that failed): the error's last line, as code, never a raw multi-line text. */
export function setupNotRun(detail: string): Bilingual {
  const d = lastLine(detail);
  return { ko: `실습 준비 단계를 실행하지 못했습니다${d ? `: ${code(d)}` : "."}`, en: `Could not prepare the exercise in your lab${d ? `: ${code(d)}` : "."}` };
}

// ---- environment variables, Services, in-place updates (concepts.ts) -----------------------

export function envName(name: string, container?: string): FieldName {
  const v = { en: `environment variable ${code(name)}`, ko: `환경 변수 ${code(name)}` };
  return container ? { en: `${v.en} of container ${code(container)}`, ko: `컨테이너 ${code(container)}의 ${v.ko}` } : v;
}

const sourceWords = (kind: "ConfigMap" | "Secret", name: string): Bilingual => ({ en: `${kind} ${code(name)}`, ko: `${kind === "Secret" ? "시크릿" : "컨피그맵"} ${code(name)}` });

export function envSourceMissing(object: Bilingual, f: FieldName, kind: "ConfigMap" | "Secret", name: string, key: string, problem: "missingObject" | "missingKey"): Bilingual {
  const s = sourceWords(kind, name);
  return problem === "missingObject"
    ? { en: `${object.en}: ${f.en} reads key ${code(key)} of ${s.en}, but there is no ${s.en}.`, ko: `${object.ko}: ${subject(f.ko)} ${s.ko}의 ${code(key)} 키를 읽는데, ${subject(s.ko)} 없습니다.` }
    : { en: `${object.en}: ${f.en} reads key ${code(key)} of ${s.en}, but ${s.en} has no such key.`, ko: `${object.ko}: ${subject(f.ko)} ${s.ko}의 ${code(key)} 키를 읽는데, ${s.ko}에 그 키가 없습니다.` };
}

export function envNoContainer(object: Bilingual, container: string | undefined): Bilingual {
  return container
    ? { en: `${object.en}: there is no container ${code(container)}.`, ko: `${object.ko}: 컨테이너 ${subject(code(container))} 없습니다.` }
    : { en: `${object.en}: it has no container.`, ko: `${object.ko}: 컨테이너가 없습니다.` };
}

export function envWrongSource(object: Bilingual, f: FieldName, want: { kind: "ConfigMap" | "Secret"; name: string }, found: { source: string; from?: string }): Bilingual {
  const w = sourceWords(want.kind, want.name);
  const now: Bilingual =
    found.source === "value"
      ? { en: "it is written in as a plain value", ko: "값이 직접 적혀 있습니다" }
      : found.source === "ConfigMap" || found.source === "Secret"
        ? { en: `it comes from ${sourceWords(found.source, found.from ?? "?").en}`, ko: `${subject(sourceWords(found.source, found.from ?? "?").ko)} 값을 줍니다` }
        : { en: "it is not set", ko: "설정되어 있지 않습니다" };
  return { en: `${object.en}: ${f.en} should come from ${w.en}, but ${now.en}.`, ko: `${object.ko}: ${topic(f.ko)} ${w.ko}에서 와야 하는데 지금은 ${now.ko}.` };
}

export function envFromClause(f: FieldName, kind: "ConfigMap" | "Secret", name: string): Clause {
  const s = sourceWords(kind, name);
  return { en: `${f.en} comes from ${s.en}`, ko: { and: `${topic(f.ko)} ${s.ko}에서 오고`, end: `${topic(f.ko)} ${s.ko}에서 옵니다` } };
}

export function endpointsReady(object: Bilingual, n: number): Bilingual {
  return { en: `${object.en} has ${n} ready endpoint${n === 1 ? "" : "s"}.`, ko: `${object.ko}에 준비된 엔드포인트가 ${n}개 있습니다.` };
}

export function endpointsReadyClause(n: number): Clause {
  return { en: `${n} ready endpoint${n === 1 ? "" : "s"}`, ko: { and: `준비된 엔드포인트가 ${n}개 있고`, end: `준비된 엔드포인트가 ${n}개 있습니다` } };
}

export function endpointsNoSelector(object: Bilingual): Bilingual {
  return { en: `${object.en} has no endpoints: it has no selector, so it picks no pod.`, ko: `${object.ko}에 엔드포인트가 없습니다. 셀렉터가 없어 어떤 파드도 고르지 않습니다.` };
}

export function endpointsSelectorMatchesNothing(object: Bilingual, selector: Record<string, string>, nearby: string[]): Bilingual {
  const sel = code(Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(","));
  const hint = nearby.length > 0 ? { en: ` (the pods here have ${nearby.map(code).join(", ")})`, ko: ` 이 네임스페이스의 파드에는 ${nearby.map(code).join(", ")} 레이블이 있습니다.` } : { en: "", ko: "" };
  return {
    en: `${object.en} has no endpoints: its selector ${sel} matches no pod${hint.en}.`,
    ko: `${object.ko}에 엔드포인트가 없습니다. 셀렉터 ${sel}에 맞는 파드가 없습니다.${hint.ko}`,
  };
}

export function endpointsPodsNotReady(object: Bilingual, matched: number, notReady: string[]): Bilingual {
  const names = notReady.slice(0, 3).map(code).join(", ") + (notReady.length > 3 ? ` …` : "");
  return {
    en: `${object.en}: its selector matches ${matched} pod${matched === 1 ? "" : "s"}, but ${notReady.length} of them ${notReady.length === 1 ? "is" : "are"} not ready (${names}), and a pod that is not ready gets no traffic.`,
    ko: `${object.ko}: 셀렉터에 맞는 파드 ${matched}개 중 ${notReady.length}개가 준비되지 않았습니다(${names}). 준비되지 않은 파드에는 트래픽이 가지 않습니다.`,
  };
}

export function endpointsTooFew(object: Bilingual, ready: number, matched: number, want: Bilingual): Bilingual {
  return {
    en: `${object.en} has ${ready} ready endpoint${ready === 1 ? "" : "s"} (its selector matches ${matched} pod${matched === 1 ? "" : "s"}); it should have ${want.en}.`,
    ko: `${object.ko}의 준비된 엔드포인트가 ${mustBe(want.ko)} 하는데 ${ready}개입니다(셀렉터에 맞는 파드 ${matched}개).`,
  };
}

export function targetPortNameUnknown(object: Bilingual, name: string): Bilingual {
  return {
    en: `${object.en}: its target port ${code(name)} names no port of the pods it selects.`,
    ko: `${object.ko}: 대상 포트 ${code(name)}${endsWithBatchim(code(name)) ? "이라는" : "라는"} 이름의 포트가 고른 파드에 없습니다.`,
  };
}

export function servicePortMissing(object: Bilingual, port: number | string): Bilingual {
  return { en: `${object.en} has no port ${code(String(port))}.`, ko: `${object.ko}에 ${code(String(port))} 포트가 없습니다.` };
}

export function portReachesMessage(object: Bilingual, port: number, containerPort: number, name?: string): Bilingual {
  const c = portReachesClause(port, containerPort, name);
  return { en: `${object.en}: ${c.en}.`, ko: `${object.ko}: ${c.ko.end}.` };
}

export function portReachesClause(port: number, containerPort: number, name?: string): Clause {
  const via = name ? { en: ` through the port name ${code(name)}`, ko: `포트 이름 ${objectParticle(code(name))} 거쳐 ` } : { en: "", ko: "" };
  return {
    en: `port ${code(String(port))} reaches container port ${code(String(containerPort))}${via.en}`,
    ko: { and: `${code(String(port))} 포트는 ${via.ko}컨테이너 포트 ${code(String(containerPort))}에 닿고`, end: `${code(String(port))} 포트는 ${via.ko}컨테이너 포트 ${code(String(containerPort))}에 닿습니다` },
  };
}

export function portReachesWrong(object: Bilingual, port: number, containerPort: number, found: string): Bilingual {
  return {
    en: `${object.en}: port ${code(String(port))} should reach container port ${code(String(containerPort))}, but its target port is ${code(found)}.`,
    ko: `${object.ko}: ${code(String(port))} 포트가 컨테이너 포트 ${code(String(containerPort))}에 닿아야 하는데 대상 포트가 ${code(found)}입니다.`,
  };
}

export function portNameUnresolved(object: Bilingual, port: number, name: string): Bilingual {
  return {
    en: `${object.en}: port ${code(String(port))} targets the port name ${code(name)}, but the Service selects no pod to look the name up in.`,
    ko: `${object.ko}: ${code(String(port))} 포트의 대상 포트가 이름 ${code(name)}인데, 서비스가 고른 파드가 없어 그 이름을 찾을 수 없습니다.`,
  };
}

// ---- volumes (concepts.ts judgeMounts) ------------------------------------------------------

export type MountSource = { type: "claim" | "template" | "configMap" | "secret"; name: string } | { type: "other"; kind: string } | { type: "none" };

const VOLUME_KINDS: Record<"claim" | "template" | "configMap" | "secret", Bilingual> = {
  claim: { en: "PersistentVolumeClaim", ko: "퍼시스턴트볼륨클레임" },
  template: { en: "volume claim template", ko: "볼륨 클레임 템플릿" },
  configMap: { en: "ConfigMap", ko: "컨피그맵" },
  secret: { en: "Secret", ko: "시크릿" },
};

function sourceText(source: MountSource): Bilingual {
  switch (source.type) {
    case "claim":
    case "template":
    case "configMap":
    case "secret": {
      const k = VOLUME_KINDS[source.type];
      return { en: `${k.en} ${code(source.name)}`, ko: `${k.ko} ${code(source.name)}` };
    }
    case "other":
      return { en: `${/^[aeiou]/i.test(source.kind) ? "an" : "a"} ${code(source.kind)} volume`, ko: `${code(source.kind)} 볼륨` };
    case "none":
      return { en: "a volume the pod does not define", ko: "파드에 정의되지 않은 볼륨" };
  }
}

export function mountExpected(want: MountSource, path: string): Bilingual {
  const c = sourceText(want);
  return { en: `${c.en} at ${code(path)}`, ko: `${code(path)}에 ${c.ko}` };
}

export function mountFoundText(found: { volume: string; source: MountSource } | undefined): Bilingual {
  if (!found) return { en: "nothing mounted there", ko: "마운트된 것 없음" };
  const s = sourceText(found.source);
  return { en: `volume ${code(found.volume)}: ${s.en}`, ko: `볼륨 ${code(found.volume)}: ${s.ko}` };
}

/** Nothing is mounted at the path; says what the container mounts elsewhere (up to three). */
export function mountMissing(object: Bilingual, container: string, path: string, mounted: { path: string; source: MountSource }[]): Bilingual {
  const shown = mounted.slice(0, 3).map((m) => ({ path: code(m.path), what: sourceText(m.source) }));
  const more = mounted.length > 3 ? { en: ", …", ko: " 등을" } : { en: "", ko: "" };
  return {
    en: `${object.en}: container ${code(container)} mounts nothing at ${code(path)}${shown.length > 0 ? ` (it mounts ${shown.map((m) => `${m.what.en} at ${m.path}`).join(", ")}${more.en})` : " (it mounts no volume at all)"}.`,
    ko: `${object.ko}: 컨테이너 ${subject(code(container))} ${code(path)}에 아무것도 마운트하지 않습니다.${shown.length > 0 ? ` 지금은 ${shown.map((m) => `${m.path}에 ${objectParticle(m.what.ko)}`).join(", ")}${more.ko} 마운트합니다.` : " 마운트한 볼륨이 하나도 없습니다."}`,
  };
}

export function mountWrongSource(object: Bilingual, container: string, path: string, volume: string, source: MountSource, wanted: MountSource): Bilingual {
  const want = sourceText(wanted);
  const is = sourceText(source);
  return {
    en: `${object.en}: container ${code(container)} mounts volume ${code(volume)} at ${code(path)}, but that volume is ${is.en}, not ${want.en}.`,
    ko: `${object.ko}: 컨테이너 ${subject(code(container))} ${code(path)}에 볼륨 ${objectParticle(code(volume))} 마운트하지만, 그 볼륨은 ${subject(want.ko)} 아니라 ${is.ko}입니다.`,
  };
}

export function mountClause(container: string, path: string, source: MountSource): Clause {
  const s = sourceText(source);
  const head = `컨테이너 ${topic(code(container))} ${code(path)}에 ${objectParticle(s.ko)} 마운트`;
  return { en: `container ${code(container)} mounts ${s.en} at ${code(path)}`, ko: { and: `${head}하고`, end: `${head}합니다` } };
}

export function revisionExpected(n: number): Bilingual {
  return { en: `revision ${n} or later, old ReplicaSet kept`, ko: `리비전 ${n} 이상, 이전 레플리카셋 유지` };
}

export function revisionFound(n: number): Bilingual {
  return { en: `revision ${n}`, ko: `리비전 ${n}` };
}

export function notUpdatedInPlace(object: Bilingual, revision: number, want: number): Bilingual {
  return {
    en: `${object.en} is at revision ${revision}; updated in place it would be at revision ${want} or later.`,
    ko: `${object.ko}의 리비전이 ${revision}입니다. 제자리에서 업데이트했다면 리비전이 ${want} 이상이어야 합니다.`,
  };
}

export function noOldReplicaSet(object: Bilingual, revision: number): Bilingual {
  return {
    en: `${object.en} is at revision ${revision}, but no older ReplicaSet of it is left: it was deleted and created again instead of being updated in place, so its pods were all gone for a while.`,
    ko: `${object.ko}의 리비전은 ${revision}${endsWithBatchim(String(revision)) ? "이지만" : "이지만"} 이전 레플리카셋이 남아 있지 않습니다. 제자리에서 업데이트하지 않고 지웠다가 다시 만들어서, 한동안 파드가 하나도 없었습니다.`,
  };
}

export function updatedInPlaceMessage(object: Bilingual, revision: number): Bilingual {
  const c = updatedInPlaceClause(revision);
  return { en: `${object.en}: ${c.en}.`, ko: `${object.ko}: ${c.ko.end}.` };
}

export function updatedInPlaceClause(revision: number): Clause {
  return { en: `updated in place to revision ${revision}, the old ReplicaSet kept`, ko: { and: `제자리에서 ${toward(`리비전 ${revision}`)} 업데이트되어 이전 레플리카셋이 남아 있고`, end: `제자리에서 ${toward(`리비전 ${revision}`)} 업데이트되어 이전 레플리카셋이 남아 있습니다` } };
}

// ---- Ingress backends (concepts.ts judgeBackendsExist) -------------------------------------

/** Where an Ingress sends a request: "`docs.example.com/`", or its default backend. */
const routeText = (where: string | undefined): Bilingual => (where ? { en: `requests for ${code(where)}`, ko: `${code(where)} 요청` } : { en: "requests no rule matches", ko: "어느 규칙에도 맞지 않는 요청" });

export function backendsExpected(): Bilingual {
  return { en: "every backend an existing Service port", ko: "모든 백엔드가 있는 서비스의 포트" };
}

export function backendFoundText(service: string, port?: string): Bilingual {
  return port ? { en: `port ${code(port)} of Service ${code(service)}`, ko: `서비스 ${code(service)}의 ${code(port)} 포트` } : { en: `Service ${code(service)}`, ko: `서비스 ${code(service)}` };
}

export function ingressNoBackends(object: Bilingual): Bilingual {
  return { en: `${object.en} names no backend: it sends requests nowhere.`, ko: `${object.ko}에 백엔드가 하나도 없어 요청을 보낼 곳이 없습니다.` };
}

export function ingressBackendMissing(object: Bilingual, where: string | undefined, service: string): Bilingual {
  const r = routeText(where);
  return {
    en: `${object.en} sends ${r.en} to Service ${code(service)}, which does not exist.`,
    ko: `${topic(object.ko)} ${objectParticle(r.ko)} 서비스 ${toward(code(service))} 보내는데, 그런 서비스가 없습니다.`,
  };
}

export function ingressBackendNoPort(object: Bilingual, where: string | undefined, service: string, port: string, offered: string[]): Bilingual {
  const r = routeText(where);
  const has = offered.length > 0 ? offered.slice(0, 4).map(code).join(", ") : undefined;
  return {
    en: `${object.en} sends ${r.en} to port ${code(port)} of Service ${code(service)}, which has no such port${has ? ` (it has ${has})` : ""}.`,
    ko: `${topic(object.ko)} ${objectParticle(r.ko)} 서비스 ${code(service)}의 ${code(port)} 포트로 보내는데, 그 서비스에는 그런 포트가 없습니다${has ? `(있는 포트: ${has})` : ""}.`,
  };
}

export function backendsExistClause(n: number): Clause {
  return { en: `every backend is an existing Service port (${n} Service${n === 1 ? "" : "s"})`, ko: { and: `백엔드 서비스 ${n}개와 그 포트가 모두 있고`, end: `백엔드 서비스 ${n}개와 그 포트가 모두 있습니다` } };
}

/** The grader's read of the lab printed more than it keeps (GRADER_MAX_OUTPUT_BYTES). */
export function outputTooLarge(limitBytes: number): Bilingual {
  const mib = Math.round(limitBytes / (1024 * 1024));
  return {
    en: `Not checked: the cluster holds more than the grader reads at once (over ${mib} MiB). Delete the objects you no longer need, for example many ConfigMaps made in a loop, or reset the lab, then check again.`,
    ko: `확인하지 못했습니다. 클러스터에 든 내용이 채점기가 한 번에 읽을 수 있는 양(${mib}MiB)을 넘었습니다. 반복문 등으로 많이 만든 컨피그맵처럼 더는 필요 없는 오브젝트를 지우거나 실습 환경을 초기화한 뒤 다시 확인하세요.`,
  };
}

// ---- behaviour: logs, exec, http (behaviour.ts) ----------------------------------------------

/** A logs, exec or http check in a lab whose nodes kwok plays: nothing runs there to look at. */
export function needsRealPods(): Bilingual {
  return {
    en: "Not checked: this check needs a lab with real pods (profile `node`); in this lab the node is simulated and runs no containers, so there are no logs, commands or answers to look at.",
    ko: "확인하지 못했습니다. 이 확인은 파드가 실제로 실행되는 실습 환경(`node` 프로필)이 필요합니다. 이 실습 환경의 노드는 시뮬레이션이라 컨테이너를 실행하지 않으므로 볼 로그도, 실행할 명령도, 받을 응답도 없습니다.",
  };
}

/** "container `web` of Pod `web-5d8f`" / "파드 `web-5d8f`의 컨테이너 `web`". */
export function containerText(pod: string, container: string, namespace?: string): Bilingual {
  const p = objectText("Pod", pod, namespace);
  return { en: `container ${code(container)} of ${p.en}`, ko: `${p.ko}의 컨테이너 ${code(container)}` };
}

export function podNoContainer(pod: Bilingual, container: string, has: string[]): Bilingual {
  const list = has.slice(0, 4).map(code).join(", ");
  return {
    en: `${pod.en} has no container ${code(container)}${list ? ` (it has ${list})` : ""}.`,
    ko: `${pod.ko}에 컨테이너 ${subject(code(container))} 없습니다${list ? `(있는 컨테이너: ${list})` : ""}.`,
  };
}

export function containerNotStarted(c: Bilingual, reason: string): Bilingual {
  return {
    en: `The ${c.en} has not started yet (${code(reason)}), so it has nothing to show. Look at ${code("kubectl describe pod")} to see why.`,
    ko: `${subject(c.ko)} 아직 시작되지 않아(${code(reason)}) 확인할 것이 없습니다. 이유는 ${code("kubectl describe pod")}에서 볼 수 있습니다.`,
  };
}

export function containerNotRunning(c: Bilingual, reason: string): Bilingual {
  return {
    en: `The ${c.en} is not running (${code(reason)}), so no command can run in it.`,
    ko: `${subject(c.ko)} 실행 중이 아니라(${code(reason)}) 그 안에서 명령을 실행할 수 없습니다.`,
  };
}

export function containerNoPrevious(c: Bilingual): Bilingual {
  return {
    en: `The ${c.en} has not restarted, so it has no logs of a previous run.`,
    ko: `${subject(c.ko)} 다시 시작된 적이 없어 이전 실행의 로그가 없습니다.`,
  };
}

/** The text a match wants: its own words, or the string / pattern. */
export function textMatchExpected(m: { contains?: string; regex?: string; says?: Bilingual }): Bilingual {
  if (m.says) return m.says;
  if (m.contains !== undefined) return { en: `the text ${code(m.contains)}`, ko: `${code(m.contains)} 문자열` };
  return { en: `a line matching ${code(m.regex ?? "")}`, ko: `${code(m.regex ?? "")} 패턴에 맞는 줄` };
}

const cap = (s: string) => (s.startsWith("`") ? s : `${s[0]!.toUpperCase()}${s.slice(1)}`);

const MAX_SHOWN_LINES = 3;
const MAX_SHOWN_LINE = 120;

/**
 * The end of some output as a learner reads it on one line: its last lines (up to three,
 * each cut at 120 characters), each in `code`, joined by ⏎; "nothing" when it is empty.
 */
export function outputTail(text: string): Bilingual {
  // Control characters (NULs of /proc files, terminal colours) would break the card.
  const lines = text.replace(/\r/g, "").replace(/[\x00-\x08\x0b-\x1f\x7f]+/g, " ").split("\n").map((l) => l.trim()).filter(Boolean).slice(-MAX_SHOWN_LINES);
  if (lines.length === 0) return { en: "nothing", ko: "아무것도 없음" };
  const shown = lines.map((l) => code(l.length > MAX_SHOWN_LINE ? `${l.slice(0, MAX_SHOWN_LINE)}…` : l)).join(" ⏎ ");
  return { en: shown, ko: shown };
}

const logsWhat = (c: Bilingual, previous: boolean): Bilingual =>
  previous ? { en: `the logs of the ${c.en} from before its last restart`, ko: `${c.ko}의 마지막 재시작 이전 로그` } : { en: `the logs of the ${c.en}`, ko: `${c.ko}의 로그` };

export function logsMatched(c: Bilingual, previous: boolean, want: Bilingual): Bilingual {
  const w = logsWhat(c, previous);
  return { en: `${w.en[0]!.toUpperCase()}${w.en.slice(1)} show ${want.en}.`, ko: `${w.ko}에 ${subject(want.ko)} 있습니다.` };
}

export function logsNoMatch(c: Bilingual, previous: boolean, want: Bilingual, lines: number): Bilingual {
  const w = logsWhat(c, previous);
  const read =
    lines === 0 ? { en: "they are empty", ko: "로그가 비어 있습니다" } : lines === 1 ? { en: "their one line does not show it", ko: "한 줄뿐인 로그에 없습니다" } : { en: `the last ${lines} lines do not show it`, ko: `마지막 ${lines}줄에 없습니다` };
  return { en: `Expected ${want.en} in ${w.en}, but ${read.en}.`, ko: `${w.ko}에 ${subject(want.ko)} 있어야 하는데 ${read.ko}.` };
}

/**
 * A command as the author gave it (argv), on one line: `cat /etc/config/message`. A shell
 * script (sh -c ...) or a long line is not shown, as a command check's script is not: it is
 * "the check's command".
 */
export function commandText(argv: string[]): Bilingual {
  const line = argv.map((a) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");
  const script = argv.some((a) => a === "-c" || a.includes("\n")) || line.length > 80;
  if (script) return { en: "the check's command", ko: "확인용 명령" };
  return { en: code(line), ko: code(line) };
}

export function execPassed(c: Bilingual, argv: string[], exitCode: number, want?: Bilingual): Bilingual {
  const cmd = commandText(argv);
  return want
    ? { en: `${cap(cmd.en)} in the ${c.en} exited with ${exitCode} and printed ${want.en}.`, ko: `${c.ko}에서 실행한 ${subject(cmd.ko)} ${objectParticle(want.ko)} 출력하고 종료 코드 ${toward(String(exitCode))} 끝났습니다.` }
    : { en: `${cap(cmd.en)} in the ${c.en} exited with ${exitCode}.`, ko: `${c.ko}에서 실행한 ${subject(cmd.ko)} 종료 코드 ${toward(String(exitCode))} 끝났습니다.` };
}

export function execExitMismatch(c: Bilingual, argv: string[], want: number, got: number): Bilingual {
  const cmd = commandText(argv);
  return {
    en: `${cap(cmd.en)} in the ${c.en} should exit with ${want}, but it exited with ${got}.`,
    ko: `${c.ko}에서 실행한 ${subject(cmd.ko)} 종료 코드 ${toward(String(want))} 끝나야 하는데 ${toward(String(got))} 끝났습니다.`,
  };
}

export function execOutputNoMatch(c: Bilingual, argv: string[], want: Bilingual): Bilingual {
  return {
    en: `${cap(commandText(argv).en)} in the ${c.en} should print ${want.en}, but it did not.`,
    ko: `${c.ko}에서 실행한 ${subject(commandText(argv).ko)} ${objectParticle(want.ko)} 출력해야 하는데 출력하지 않았습니다.`,
  };
}

export function execNotFound(c: Bilingual, argv: string[]): Bilingual {
  return {
    en: `${cap(commandText(argv).en)} could not start in the ${c.en}: the container has no such program.`,
    ko: `${c.ko}에서 ${objectParticle(commandText(argv).ko)} 시작할 수 없습니다. 컨테이너에 그런 프로그램이 없습니다.`,
  };
}

/** A command in a container that did not finish in its time: `error`, since it may hang or the connection to it may. */
export function execTimedOut(c: Bilingual, argv: string[], seconds: number): Bilingual {
  const cmd = commandText(argv);
  return {
    en: `Not checked: ${cmd.en} in the ${c.en} did not finish within ${seconds} s.`,
    ko: `확인하지 못했습니다. ${c.ko}에서 실행한 ${subject(cmd.ko)} ${seconds}초 안에 끝나지 않았습니다.`,
  };
}

/** Logs, an exec or a request that did not come back within the grader's limit: `error`, we could not look. */
export function behaviourTimedOut(seconds: number): Bilingual {
  return { en: `Not checked: your lab did not answer within ${seconds} s. Check again in a moment.`, ko: `확인하지 못했습니다. 실습 환경이 ${seconds}초 안에 응답하지 않았습니다. 잠시 뒤 다시 확인하세요.` };
}

/** Logs, an exec or a request the lab could not make (the node's kubelet, the API): `error`. */
export function behaviourUnreadable(detail: string): Bilingual {
  const d = lastLine(detail);
  return { en: `Not checked: no answer came back from your lab${d ? ` (${code(d)})` : ""}.`, ko: `확인하지 못했습니다. 실습 환경에서 결과를 받아 오지 못했습니다${d ? `(${code(d)})` : ""}.` };
}

export function outputOverLimit(kib: number): Bilingual {
  return { en: `Not checked: it printed more than ${kib} KiB, more than the grader reads.`, ko: `확인하지 못했습니다. 출력이 채점기가 읽는 양(${kib}킬로바이트)보다 많습니다.` };
}

// ---- http -----------------------------------------------------------------------------------

/** Where a request went, in words: "Service `web` (port `80`, through its cluster IP)". */
export function requestTarget(t: { service?: string; namespace?: string; port?: string; via?: "clusterIP" | "nodePort"; host?: string; path: string }): Bilingual {
  if (t.host) return { en: `${code(`http://${t.host}${t.path}`)} through the ingress controller`, ko: `인그레스 컨트롤러를 거쳐 ${code(`http://${t.host}${t.path}`)}` };
  const svc = objectText("Service", t.service ?? "?", t.namespace);
  const port = t.port ? { en: `port ${code(t.port)}`, ko: `${code(t.port)} 포트` } : { en: "its port", ko: "포트" };
  return t.via === "nodePort"
    ? { en: `${code(t.path)} on the node port of ${svc.en} (${port.en})`, ko: `${svc.ko}의 ${port.ko}(노드포트) ${code(t.path)} 경로` }
    : { en: `${code(t.path)} on ${svc.en} (${port.en}, through its cluster IP)`, ko: `${svc.ko}의 ${port.ko}(클러스터 IP) ${code(t.path)} 경로` };
}

/** What came back: "HTTP `404`, body `<html>…`" (the start of the body, one line). */
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", rsaquo: "›", lsaquo: "‹", hellip: "…", ndash: "–", mdash: "—" };
const decodeEntities = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    const n = name[0] === "#" ? (name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : Number(name.slice(1))) : NaN;
    if (!Number.isNaN(n)) return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : whole;
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

/**
 * What a person would read first in an answer. An HTML page shows its title and the start of
 * its visible text, not its markup: WordPress's "Error establishing a database connection"
 * sits after a kilobyte of <head>, so the first 100 characters of the body would show none of
 * it. A hand-written reading, not an HTML parser: only the title and text are wanted, from at
 * most 64 KiB, and a page that fools it is shown less well, never judged differently.
 */
function readableBody(body: string): { title?: string; text: string } {
  if (!/^\s*(<!doctype html|<html|<head|<body)/i.test(body)) return { text: body.replace(/\s+/g, " ").trim() };
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(body)?.[1];
  const visible = body
    .replace(/<head[\s\S]*?<\/head>/gi, " ")
    .replace(/<(script|style|noscript|template)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<[^>]*>/g, " ");
  const clean = (t: string) => decodeEntities(t).replace(/\s+/g, " ").trim();
  return { title: title === undefined ? undefined : clean(title) || undefined, text: clean(visible) };
}

export function httpFound(status: number, body: string): Bilingual {
  const { title, text } = readableBody(body);
  const http = `HTTP ${code(String(status))}`;
  if (title !== undefined) {
    const rest = text.startsWith(title) ? text.slice(title.length).trim() : text;
    const shownText = rest ? code(cut(rest, 100)) : undefined;
    return {
      en: `${http}, a page titled ${code(cut(title, 80))}${shownText ? ` that reads ${shownText}` : ""}`,
      ko: `${http}, 제목이 ${code(cut(title, 80))}인 페이지${shownText ? `(내용: ${shownText})` : ""}`,
    };
  }
  const shown = text ? code(cut(text, 100)) : undefined;
  return { en: `${http}${shown ? `, body ${shown}` : ", empty body"}`, ko: `${http}${shown ? `, 본문 ${shown}` : ", 빈 본문"}` };
}

export function httpStatusExpected(want: number[]): Bilingual {
  const list = want.map((s) => code(String(s)));
  return want.length === 1 ? { en: `HTTP ${list[0]}`, ko: `HTTP ${list[0]}` } : { en: `HTTP ${list.join(" or ")}`, ko: `HTTP ${list.join(", ")} 중 하나` };
}

export function httpAnswered(to: Bilingual, status: number, extra: Bilingual[]): Bilingual {
  const more = extra.length > 0 ? { en: `; ${extra.map((e) => e.en).join(", ")}`, ko: extra.map((e) => ` ${e.ko}.`).join("") } : { en: "", ko: "" };
  return { en: `A request to ${to.en} answered HTTP ${code(String(status))}${more.en}.`, ko: `${to.ko}에 보낸 요청에 HTTP ${toward(code(String(status)))} 응답했습니다.${more.ko}` };
}

export function httpStatusMismatch(to: Bilingual, want: number[], got: number): Bilingual {
  const w = httpStatusExpected(want);
  return { en: `A request to ${to.en} should answer ${w.en}, but it answered HTTP ${code(String(got))}.`, ko: `${to.ko}에 보낸 요청에 ${toward(w.ko)} 응답해야 하는데 HTTP ${toward(code(String(got)))} 응답했습니다.` };
}

export function httpHeaderClause(name: string, value: string): Bilingual {
  const v = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return { en: `header ${code(name)} is ${code(v)}`, ko: `${code(name)} 헤더는 ${code(v)}입니다` };
}

export function httpHeaderMissing(to: Bilingual, name: string): Bilingual {
  return { en: `The answer to ${to.en} has no ${code(name)} header.`, ko: `${to.ko}에 보낸 요청의 응답에 ${code(name)} 헤더가 없습니다.` };
}

export function httpHeaderMismatch(to: Bilingual, name: string, want: { contains?: string; regex?: string }, got: string): Bilingual {
  const w = want.contains !== undefined ? { en: `contain ${code(want.contains)}`, ko: `${objectParticle(code(want.contains))} 포함해야` } : { en: `match ${code(want.regex ?? "")}`, ko: `${code(want.regex ?? "")} 패턴에 맞아야` };
  const v = got.length > 80 ? `${got.slice(0, 80)}…` : got;
  return { en: `The ${code(name)} header of the answer to ${to.en} should ${w.en}, but it is ${code(v)}.`, ko: `${to.ko}에 보낸 요청의 응답에서 ${code(name)} 헤더가 ${w.ko} 하는데 지금은 ${code(v)}입니다.` };
}

export function httpBodyClause(want: Bilingual): Bilingual {
  return { en: `the body shows ${want.en}`, ko: `본문에 ${subject(want.ko)} 있습니다` };
}

export function httpBodyNoMatch(to: Bilingual, want: Bilingual): Bilingual {
  return { en: `The answer to ${to.en} should show ${want.en}, but its body does not.`, ko: `${to.ko}에 보낸 요청의 응답 본문에 ${subject(want.ko)} 있어야 하는데 없습니다.` };
}

export function httpRefused(to: Bilingual): Bilingual {
  return {
    en: `A request to ${to.en} was refused: nothing answers there. Are the Service's pods ready, and does its target port match the port the container listens on?`,
    ko: `${to.ko}에 보낸 요청이 거부되었습니다. 그곳에서 응답하는 것이 없습니다. 서비스의 파드가 준비되었는지, 대상 포트가 컨테이너가 듣는 포트와 같은지 확인하세요.`,
  };
}

export function httpNoAnswer(to: Bilingual, seconds: number): Bilingual {
  return { en: `A request to ${to.en} connected but got no answer within ${seconds} s.`, ko: `${to.ko}에 보낸 요청이 연결은 되었지만 ${seconds}초 안에 응답이 없었습니다.` };
}

export function appMayBeStarting(seconds: number): Bilingual {
  return {
    en: `Its pods started only ${seconds} s ago, and an app can take longer than that to start answering (a web server starting, a database initialising): if the pods stay ${code("Running")}, check again in a moment.`,
    ko: `파드가 시작된 지 ${seconds}초밖에 되지 않았습니다. 앱이 응답을 시작하기까지(웹 서버 기동, 데이터베이스 초기화) 이보다 오래 걸릴 수 있으니, 파드가 계속 ${code("Running")} 상태라면 잠시 후 다시 확인하세요.`,
  };
}

export function httpBrokenAnswer(to: Bilingual): Bilingual {
  return { en: `A request to ${to.en} connected, but the connection closed without an HTTP answer.`, ko: `${to.ko}에 보낸 요청이 연결은 되었지만 HTTP 응답 없이 연결이 끊겼습니다.` };
}

export function httpTooManyRedirects(to: Bilingual): Bilingual {
  return { en: `A request to ${to.en} was redirected more than 5 times (a redirect loop?).`, ko: `${to.ko}에 보낸 요청이 5번 넘게 리디렉션되었습니다. 리디렉션이 반복되고 있지 않은지 확인하세요.` };
}

export function serviceNoClusterIP(svc: Bilingual): Bilingual {
  return { en: `${svc.en} has no cluster IP (it is headless), so no request can be sent to it as one address.`, ko: `${svc.ko}에 클러스터 IP가 없어(헤드리스 서비스) 한 주소로 요청을 보낼 수 없습니다.` };
}

export function serviceNoNodePort(svc: Bilingual, type: string): Bilingual {
  return { en: `${svc.en} has no node port: its type is ${code(type)}, and only a ${code("NodePort")} or ${code("LoadBalancer")} Service opens one.`, ko: `${svc.ko}에 노드포트가 없습니다. 타입이 ${code(type)}인데, 노드포트는 ${code("NodePort")}나 ${code("LoadBalancer")} 타입 서비스에만 열립니다.` };
}
