// THE bilingual table of field names: what a learner reads instead of a path. Korean uses the
// terms of the Korean Kubernetes docs (레플리카, 활성 프로브, 준비성 프로브, 셀렉터...); a field
// the docs leave in English (maxSurge, initialDelaySeconds) is shown as `code`, as the docs do.
// List items are named by what picks them (`web`, `/orders`) or, when a list holds one item,
// not at all. A path never reaches the learner: a field missing here is named by its last key.
import { type PathToken, parsePath, step } from "./paths";

export interface FieldName {
  en: string;
  ko: string;
  /** How a number in this field is said: a count of things (개) or seconds (초). */
  unit?: "count" | "seconds";
}

/** One list item on the way to a field: its name when it has one, its place otherwise. */
interface Item {
  label?: string;
  index: number;
  /** The list holds this one item only, so it needs no name. */
  only: boolean;
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const ORDINAL_EN = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];
const ORDINAL_KO = ["첫", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉", "열"];

function labelOf(item: unknown, token: PathToken): string | undefined {
  if (token.type === "match") return token.value;
  if (item === null || typeof item !== "object") return undefined;
  const o = item as Record<string, unknown>;
  for (const k of ["name", "host", "path", "mountPath"]) if (typeof o[k] === "string" && o[k]) return o[k] as string;
  const meta = o.metadata as Record<string, unknown> | undefined;
  return typeof meta?.name === "string" ? meta.name : undefined;
}

/** The path with every list item as [*], and what each item is. */
function shapeOf(path: string, object: unknown): { shape: string; items: Item[] } {
  const items: Item[] = [];
  let shape = "";
  let current: unknown = object;
  for (const token of parsePath(path)) {
    if (token.type === "key") shape += (shape ? "." : "") + token.key;
    else {
      const next = step(current, token);
      const index = token.type === "index" ? token.index : Array.isArray(current) ? current.indexOf(next) : -1;
      items.push({ label: labelOf(next, token), index, only: token.type === "index" && Array.isArray(current) && current.length === 1 });
      shape += "[*]";
    }
    current = step(current, token);
  }
  return { shape, items };
}

/** "container `web`" / "컨테이너 `web`", nothing for a list of one, or "the second container". */
function itemName(item: Item | undefined, noun: { en: string; ko: string }): { en: string; ko: string } | undefined {
  if (!item || item.only) return undefined;
  if (item.label) return { en: `${noun.en} ${code(item.label)}`, ko: `${noun.ko} ${code(item.label)}` };
  const i = Math.max(0, item.index);
  return { en: `the ${ORDINAL_EN[i] ?? `#${i + 1}`} ${noun.en}`, ko: `${ORDINAL_KO[i] ?? String(i + 1)} 번째 ${noun.ko}` };
}

/** leaf of owner: "image of container `web`" / "컨테이너 `web`의 이미지". */
function of(owner: { en: string; ko: string } | undefined, leaf: FieldName): FieldName {
  if (!owner) return leaf;
  return { ...leaf, en: `${leaf.en} of ${owner.en}`, ko: `${owner.ko}의 ${leaf.ko}` };
}

const PROBES: Record<string, { en: string; ko: string }> = {
  livenessProbe: { en: "liveness probe", ko: "활성 프로브" },
  readinessProbe: { en: "readiness probe", ko: "준비성 프로브" },
  startupProbe: { en: "startup probe", ko: "스타트업 프로브" },
};

const PROBE_FIELDS: Record<string, FieldName> = {
  "httpGet.path": { en: "HTTP path", ko: "HTTP 경로" },
  "httpGet.port": { en: "port", ko: "포트" },
  "httpGet.scheme": { en: "scheme", ko: "스킴" },
  "tcpSocket.port": { en: "TCP port", ko: "TCP 포트" },
  "exec.command": { en: "command", ko: "명령" },
  initialDelaySeconds: { en: `initial delay (${code("initialDelaySeconds")})`, ko: `첫 검사 전 대기 시간(${code("initialDelaySeconds")})`, unit: "seconds" },
  periodSeconds: { en: `period (${code("periodSeconds")})`, ko: `검사 주기(${code("periodSeconds")})`, unit: "seconds" },
  timeoutSeconds: { en: `timeout (${code("timeoutSeconds")})`, ko: `제한 시간(${code("timeoutSeconds")})`, unit: "seconds" },
  failureThreshold: { en: `failure threshold (${code("failureThreshold")})`, ko: `실패 임계값(${code("failureThreshold")})`, unit: "count" },
  successThreshold: { en: `success threshold (${code("successThreshold")})`, ko: `성공 임계값(${code("successThreshold")})`, unit: "count" },
};

/** Fields of one container, after containers[*]. `items` are the lists below the container. */
function containerField(rest: string, items: Item[]): FieldName | undefined {
  let m: RegExpMatchArray | null;
  if (rest === "image") return { en: "image", ko: "이미지" };
  if (rest === "name") return { en: "name", ko: "이름" };
  if (rest === "imagePullPolicy") return { en: "image pull policy", ko: "이미지 풀 정책" };
  if (rest === "command") return { en: "command", ko: "명령" };
  if (rest === "args") return { en: "arguments", ko: "인자" };
  if (rest === "ports") return { en: "ports", ko: "포트 목록" };
  if (rest === "ports[*].containerPort") return of(itemName(items[0], { en: "port", ko: "포트" }), { en: "container port", ko: "컨테이너 포트" });
  if (rest === "ports[*].name") return { en: "port name", ko: "포트 이름" };
  if (rest === "ports[*].protocol") return { en: "port protocol", ko: "포트 프로토콜" };
  if ((m = rest.match(/^env\[\*\](?:\.(value|valueFrom\.(secretKeyRef|configMapKeyRef)\.(name|key)))?$/))) {
    const variable = items[0]?.label;
    const v = variable ? { en: `environment variable ${code(variable)}`, ko: `환경 변수 ${code(variable)}` } : { en: "environment variable", ko: "환경 변수" };
    if (!m[2]) return v;
    const source = m[2] === "secretKeyRef" ? { en: "Secret", ko: "시크릿" } : { en: "ConfigMap", ko: "컨피그맵" };
    return m[3] === "name"
      ? { en: `${source.en} that ${v.en} reads`, ko: `${v.ko}가 읽는 ${source.ko}` }
      : { en: `${source.en} key that ${v.en} reads`, ko: `${v.ko}가 읽는 ${source.ko} 키` };
  }
  if (rest === "env") return { en: "environment variables", ko: "환경 변수 목록" };
  if (rest === "envFrom") return { en: `${code("envFrom")} sources`, ko: `${code("envFrom")} 목록` };
  if ((m = rest.match(/^envFrom\[\*\](?:\.(configMapRef|secretRef)\.name)?$/))) {
    return m[1] === "secretRef" ? { en: `Secret in ${code("envFrom")}`, ko: `${code("envFrom")}의 시크릿` } : { en: `ConfigMap in ${code("envFrom")}`, ko: `${code("envFrom")}의 컨피그맵` };
  }
  if (rest === "volumeMounts") return { en: "volume mounts", ko: "볼륨 마운트 목록" };
  if ((m = rest.match(/^volumeMounts\[\*\]\.(mountPath|name|readOnly|subPath)$/))) {
    const leaf: FieldName = { mountPath: { en: "mount path", ko: "마운트 경로" }, name: { en: "mounted volume", ko: "마운트한 볼륨" }, readOnly: { en: "read-only setting", ko: "읽기 전용 설정" }, subPath: { en: "sub path", ko: `하위 경로(${code("subPath")})` } }[m[1]!]!;
    return of(itemName(items[0], { en: "volume mount", ko: "볼륨 마운트" }), leaf);
  }
  if ((m = rest.match(/^resources\.(requests|limits)\.(cpu|memory)$/))) {
    const what = m[2] === "cpu" ? { en: "CPU", ko: "CPU" } : { en: "memory", ko: "메모리" };
    return m[1] === "requests" ? { en: `${what.en} request`, ko: `${what.ko} 요청량` } : { en: `${what.en} limit`, ko: `${what.ko} 상한` };
  }
  if ((m = rest.match(/^(livenessProbe|readinessProbe|startupProbe)(?:\.(.+))?$/))) {
    const probe = PROBES[m[1]!]!;
    if (!m[2]) return { ...probe };
    const leaf = PROBE_FIELDS[m[2]];
    return leaf ? { ...leaf, en: `${probe.en} ${leaf.en}`, ko: `${probe.ko}의 ${leaf.ko}` } : { en: `${probe.en} field ${code(lastKey(m[2]))}`, ko: `${probe.ko}의 ${code(lastKey(m[2]))} 필드` };
  }
  return undefined;
}

type Rule = [RegExp, (m: RegExpMatchArray, items: Item[]) => FieldName];

const POD_SPEC = String.raw`(?:spec\.template\.spec|spec\.jobTemplate\.spec\.template\.spec|spec)`;

const RULES: Rule[] = [
  [/^spec\.replicas$/, () => ({ en: "replicas", ko: "레플리카", unit: "count" })],
  [/^status\.replicas$/, () => ({ en: "replicas in total", ko: "전체 레플리카", unit: "count" })],
  [/^status\.readyReplicas$/, () => ({ en: "ready replicas", ko: "준비된 레플리카", unit: "count" })],
  [/^status\.availableReplicas$/, () => ({ en: "available replicas", ko: "사용 가능한 레플리카", unit: "count" })],
  [/^status\.updatedReplicas$/, () => ({ en: "updated replicas", ko: "업데이트된 레플리카", unit: "count" })],
  [/^status\.currentReplicas$/, () => ({ en: "current replicas", ko: "현재 레플리카", unit: "count" })],
  [/^status\.succeeded$/, () => ({ en: "succeeded pods", ko: "성공한 파드", unit: "count" })],
  [/^status\.active$/, () => ({ en: "active pods", ko: "실행 중인 파드", unit: "count" })],
  [new RegExp(`^${POD_SPEC}\\.(?:containers|initContainers)\\[\\*\\]\\.(.+)$`), (m, items) => {
    const container = itemName(items[0], { en: "container", ko: "컨테이너" });
    // With the container left unnamed, its name needs the word container to be told from the object's.
    const leaf = m[1] === "name" && !container ? { en: "container name", ko: "컨테이너 이름" } : containerField(m[1]!, items.slice(1));
    return of(container, leaf ?? { en: `field ${code(lastKey(m[1]!))}`, ko: `${code(lastKey(m[1]!))} 필드` });
  }],
  [new RegExp(`^${POD_SPEC}\\.(?:containers|initContainers)$`), () => ({ en: "containers", ko: "컨테이너 목록" })],
  [new RegExp(`^${POD_SPEC}\\.volumes\\[\\*\\]\\.(persistentVolumeClaim\\.claimName|configMap\\.name|secret\\.secretName|(.+))$`), (m, items) => {
    const volume = itemName({ ...items[0]!, only: false }, { en: "volume", ko: "볼륨" });
    const leaf: FieldName = m[2]
      ? { en: `field ${code(lastKey(m[2]))}`, ko: `${code(lastKey(m[2]))} 필드` }
      : ({ "persistentVolumeClaim.claimName": { en: "PersistentVolumeClaim", ko: "퍼시스턴트볼륨클레임" }, "configMap.name": { en: "ConfigMap", ko: "컨피그맵" }, "secret.secretName": { en: "Secret", ko: "시크릿" } } as Record<string, FieldName>)[m[1]!]!;
    return of(volume, leaf);
  }],
  [new RegExp(`^${POD_SPEC}\\.volumes$`), () => ({ en: "volumes", ko: "볼륨 목록" })],
  [new RegExp(`^${POD_SPEC}\\.nodeSelector\\.(.+)$`), (m) => ({ en: `node selector ${code(m[1]!)}`, ko: `${code(m[1]!)} 노드 셀렉터` })],
  [/^spec\.nodeName$/, () => ({ en: "node", ko: "노드" })],
  [new RegExp(`^${POD_SPEC}\\.serviceAccountName$`), () => ({ en: "service account", ko: "서비스 어카운트" })],
  [/^spec\.ports\[\*\]\.(port|targetPort|nodePort|protocol|name)$/, (m, items) => {
    const leaf = ({ port: { en: "port", ko: "포트" }, targetPort: { en: "target port", ko: `대상 포트(${code("targetPort")})` }, nodePort: { en: "node port", ko: "노드 포트" }, protocol: { en: "protocol", ko: "프로토콜" }, name: { en: "port name", ko: "포트 이름" } } as Record<string, FieldName>)[m[1]!]!;
    return of(itemName(items[0], { en: "port", ko: "포트" }), leaf);
  }],
  [/^spec\.ports$/, () => ({ en: "ports", ko: "포트 목록" })],
  [/^spec\.type$/, () => ({ en: "type", ko: "타입" })],
  [/^type$/, () => ({ en: "type", ko: "타입" })],
  [/^spec\.clusterIP$/, () => ({ en: "cluster IP", ko: "클러스터 IP" })],
  [/^status\.loadBalancer\.ingress(?:\[\*\]\.(?:ip|hostname))?$/, () => ({ en: "external address", ko: "외부 주소" })],
  [/^spec\.selector\.matchLabels\.(.+)$/, (m) => ({ en: `selector ${code(m[1]!)}`, ko: `${code(m[1]!)} 셀렉터` })],
  [/^spec\.selector\.(?!matchLabels|matchExpressions)(.+)$/, (m) => ({ en: `selector ${code(m[1]!)}`, ko: `${code(m[1]!)} 셀렉터` })],
  [/^spec\.selector(?:\.matchLabels)?$/, () => ({ en: "selector", ko: "셀렉터" })],
  [/^spec\.template\.metadata\.labels\.(.+)$/, (m) => ({ en: `pod template label ${code(m[1]!)}`, ko: `파드 템플릿의 ${code(m[1]!)} 레이블` })],
  [/^metadata\.labels\.(.+)$/, (m) => ({ en: `label ${code(m[1]!)}`, ko: `${code(m[1]!)} 레이블` })],
  [/^metadata\.labels$/, () => ({ en: "labels", ko: "레이블" })],
  [/^metadata\.annotations\.kubectl\.kubernetes\.io\/last-applied-configuration$/, () => ({ en: `the last applied configuration (the annotation ${code("kubectl apply")} leaves)`, ko: `마지막으로 적용한 구성(${code("kubectl apply")}가 남기는 어노테이션)` })],
  [/^metadata\.annotations\.kubectl\.kubernetes\.io\/last-applied-configuration\.(.+)$/, (m) => {
    const inner = fieldName(m[1]!);
    return { ...inner, en: `${inner.en} in the last applied configuration`, ko: `마지막으로 적용한 구성의 ${inner.ko}` };
  }],
  [/^metadata\.annotations\.kubernetes\.io\/change-cause$/, () => ({ en: `change cause (${code("kubernetes.io/change-cause")})`, ko: `변경 사유(${code("kubernetes.io/change-cause")} 어노테이션)` })],
  [/^metadata\.annotations\.(.+)$/, (m) => ({ en: `annotation ${code(m[1]!)}`, ko: `${code(m[1]!)} 어노테이션` })],
  [/^metadata\.ownerReferences$/, () => ({ en: `owner (${code("ownerReferences")})`, ko: `소유자 참조(${code("ownerReferences")})` })],
  [/^metadata\.name$/, () => ({ en: "name", ko: "이름" })],
  [/^metadata\.namespace$/, () => ({ en: "namespace", ko: "네임스페이스" })],
  [/^(?:data|stringData|binaryData)\.(.+)$/, (m) => ({ en: `key ${code(m[1]!)}`, ko: `${code(m[1]!)} 키` })],
  [/^spec\.strategy\.type$/, () => ({ en: "update strategy", ko: "업데이트 전략" })],
  [/^spec\.strategy\.rollingUpdate\.(maxSurge|maxUnavailable)$/, (m) => ({ en: code(m[1]!), ko: code(m[1]!) })],
  [/^spec\.revisionHistoryLimit$/, () => ({ en: "revision history limit", ko: "보관할 리비전 수" })],
  [/^spec\.minReadySeconds$/, () => ({ en: `${code("minReadySeconds")}`, ko: `${code("minReadySeconds")}`, unit: "seconds" })],
  [/^spec\.serviceName$/, () => ({ en: "governing Service", ko: "거버닝 서비스" })],
  [/^spec\.volumeClaimTemplates\[\*\]\.metadata\.name$/, (_m, items) => of(itemName({ ...items[0]!, only: false }, { en: "volume claim template", ko: "볼륨 클레임 템플릿" }), { en: "name", ko: "이름" })],
  [/^spec\.volumeClaimTemplates\[\*\]\.spec\.resources\.requests\.storage$/, (_m, items) => of(itemName(items[0], { en: "volume claim template", ko: "볼륨 클레임 템플릿" }), { en: "requested storage", ko: "요청 용량" })],
  [/^spec\.volumeClaimTemplates\[\*\]\.spec\.accessModes(?:\[\*\])?$/, (_m, items) => of(itemName(items[0], { en: "volume claim template", ko: "볼륨 클레임 템플릿" }), { en: "access mode", ko: "접근 모드" })],
  [/^spec\.storageClassName$/, () => ({ en: "storage class", ko: "스토리지클래스" })],
  [/^spec\.resources\.requests\.storage$/, () => ({ en: "requested storage", ko: "요청 용량" })],
  [/^spec\.accessModes(?:\[\*\])?$/, () => ({ en: "access mode", ko: "접근 모드" })],
  [/^spec\.volumeName$/, () => ({ en: "bound volume", ko: "바인딩된 볼륨" })],
  [/^status\.phase$/, () => ({ en: "phase", ko: "단계" })],
  [/^spec\.ingressClassName$/, () => ({ en: "ingress class", ko: "인그레스클래스" })],
  [/^spec\.rules\[\*\]\.host$/, (_m, items) => ({ en: items[0]?.only ? "host" : "host of a rule", ko: items[0]?.only ? "호스트" : "규칙의 호스트" })],
  [/^spec\.rules\[\*\]\.http\.paths\[\*\](?:\.(path|pathType|backend\.service\.name|backend\.service\.port\.number|backend\.service\.port\.name))?$/, (m, items) => {
    const host = items[0]?.label && !items[0].only ? { en: ` for host ${code(items[0].label)}`, ko: `호스트 ${code(items[0].label)}의 ` } : { en: "", ko: "" };
    const where = items[1]?.label ? { en: `path ${code(items[1].label)}${host.en}`, ko: `${host.ko}경로 ${code(items[1].label)}` } : { en: `a path${host.en}`, ko: `${host.ko}경로` };
    const leaf = ({ undefined: { en: "rule", ko: "규칙" }, path: { en: "path", ko: "경로" }, pathType: { en: `path type (${code("pathType")})`, ko: `경로 타입(${code("pathType")})` }, "backend.service.name": { en: "backend Service", ko: "백엔드 서비스" }, "backend.service.port.number": { en: "backend port", ko: "백엔드 포트" }, "backend.service.port.name": { en: "backend port name", ko: "백엔드 포트 이름" } } as Record<string, FieldName>)[String(m[1])]!;
    return of(where, leaf);
  }],
  [/^status\.containerStatuses\[\*\]\.restartCount$/, (_m, items) => of(itemName(items[0], { en: "container", ko: "컨테이너" }), { en: "restarts", ko: "재시작 횟수", unit: "count" })],
  [/^status\.containerStatuses\[\*\]\.ready$/, (_m, items) => of(itemName(items[0], { en: "container", ko: "컨테이너" }), { en: "readiness", ko: "준비 상태" })],
  [/^status\.nodeInfo\.kubeletVersion$/, () => ({ en: "kubelet version", ko: `${code("kubelet")} 버전` })],
  [/^endpoints(?:\[\*\]\.addresses(?:\[\*\])?)?$/, () => ({ en: "endpoint addresses", ko: "엔드포인트 주소" })],
  [/^endpoints\[\*\]\.conditions\.ready$/, () => ({ en: "endpoint readiness", ko: "엔드포인트 준비 상태" })],
];

function lastKey(path: string): string {
  const keys = parsePath(path).filter((t): t is Extract<PathToken, { type: "key" }> => t.type === "key");
  return keys.at(-1)?.key ?? path;
}

/**
 * What the learner reads for a field path. `object`, when given, names list items the path
 * picks by index (the container `web` behind containers[0]) and leaves out lists of one.
 */
export function fieldName(path: string, object?: unknown): FieldName {
  const { shape, items } = shapeOf(path, object);
  for (const [re, name] of RULES) {
    const m = shape.match(re);
    if (m) return name(m, items);
  }
  const key = lastKey(path);
  return { en: `field ${code(key)}`, ko: `${code(key)} 필드` };
}
