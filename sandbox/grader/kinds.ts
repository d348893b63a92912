// Kubernetes kinds as exercise specs name them, mapped to what kubectl reads and to what a
// learner reads. Fully qualified resource names keep `kubectl get` unambiguous (an `Event`
// exists in two API groups); a kind missing here falls back to its lowercase name, which
// kubectl resolves through discovery for any built-in or custom kind.
import type { Bilingual } from "./results";

interface KindInfo {
  resource: string;
  /** Name used in Korean and English messages (Korean Kubernetes docs' terms). */
  label: Bilingual;
  clusterScoped?: boolean;
}

const KINDS: Record<string, KindInfo> = {
  Pod: { resource: "pods", label: { ko: "파드", en: "Pod" } },
  Deployment: { resource: "deployments.apps", label: { ko: "디플로이먼트", en: "Deployment" } },
  ReplicaSet: { resource: "replicasets.apps", label: { ko: "레플리카셋", en: "ReplicaSet" } },
  StatefulSet: { resource: "statefulsets.apps", label: { ko: "스테이트풀셋", en: "StatefulSet" } },
  DaemonSet: { resource: "daemonsets.apps", label: { ko: "데몬셋", en: "DaemonSet" } },
  Job: { resource: "jobs.batch", label: { ko: "잡", en: "Job" } },
  CronJob: { resource: "cronjobs.batch", label: { ko: "크론잡", en: "CronJob" } },
  Service: { resource: "services", label: { ko: "서비스", en: "Service" } },
  Endpoints: { resource: "endpoints", label: { ko: "엔드포인트", en: "Endpoints" } },
  EndpointSlice: { resource: "endpointslices.discovery.k8s.io", label: { ko: "엔드포인트슬라이스", en: "EndpointSlice" } },
  Ingress: { resource: "ingresses.networking.k8s.io", label: { ko: "인그레스", en: "Ingress" } },
  IngressClass: { resource: "ingressclasses.networking.k8s.io", label: { ko: "인그레스클래스", en: "IngressClass" }, clusterScoped: true },
  NetworkPolicy: { resource: "networkpolicies.networking.k8s.io", label: { ko: "네트워크폴리시", en: "NetworkPolicy" } },
  ConfigMap: { resource: "configmaps", label: { ko: "컨피그맵", en: "ConfigMap" } },
  Secret: { resource: "secrets", label: { ko: "시크릿", en: "Secret" } },
  ServiceAccount: { resource: "serviceaccounts", label: { ko: "서비스 어카운트", en: "ServiceAccount" } },
  PersistentVolumeClaim: { resource: "persistentvolumeclaims", label: { ko: "퍼시스턴트볼륨클레임", en: "PersistentVolumeClaim" } },
  PersistentVolume: { resource: "persistentvolumes", label: { ko: "퍼시스턴트볼륨", en: "PersistentVolume" }, clusterScoped: true },
  StorageClass: { resource: "storageclasses.storage.k8s.io", label: { ko: "스토리지클래스", en: "StorageClass" }, clusterScoped: true },
  Namespace: { resource: "namespaces", label: { ko: "네임스페이스", en: "Namespace" }, clusterScoped: true },
  Node: { resource: "nodes", label: { ko: "노드", en: "Node" }, clusterScoped: true },
  Event: { resource: "events", label: { ko: "이벤트", en: "Event" } },
  HorizontalPodAutoscaler: { resource: "horizontalpodautoscalers.autoscaling", label: { ko: "HorizontalPodAutoscaler", en: "HorizontalPodAutoscaler" } },
  PodDisruptionBudget: { resource: "poddisruptionbudgets.policy", label: { ko: "PodDisruptionBudget", en: "PodDisruptionBudget" } },
  ResourceQuota: { resource: "resourcequotas", label: { ko: "리소스쿼터", en: "ResourceQuota" } },
  LimitRange: { resource: "limitranges", label: { ko: "리밋레인지", en: "LimitRange" } },
  Role: { resource: "roles.rbac.authorization.k8s.io", label: { ko: "롤", en: "Role" } },
  RoleBinding: { resource: "rolebindings.rbac.authorization.k8s.io", label: { ko: "롤바인딩", en: "RoleBinding" } },
  ClusterRole: { resource: "clusterroles.rbac.authorization.k8s.io", label: { ko: "클러스터롤", en: "ClusterRole" }, clusterScoped: true },
  ClusterRoleBinding: { resource: "clusterrolebindings.rbac.authorization.k8s.io", label: { ko: "클러스터롤바인딩", en: "ClusterRoleBinding" }, clusterScoped: true },
  CustomResourceDefinition: { resource: "customresourcedefinitions.apiextensions.k8s.io", label: { ko: "CustomResourceDefinition", en: "CustomResourceDefinition" }, clusterScoped: true },
};

/** The resource name to pass to `kubectl get` for a kind. */
export function resourceOf(kind: string): string {
  return KINDS[kind]?.resource ?? kind.toLowerCase();
}

export function kindLabel(kind: string): Bilingual {
  return KINDS[kind]?.label ?? { ko: kind, en: kind };
}

/** Cluster-scoped kinds have no namespace, so a selector's namespace does not narrow them. */
export function isClusterScoped(kind: string): boolean {
  return KINDS[kind]?.clusterScoped ?? false;
}

/** The served version of each API group the table above uses. */
const GROUP_VERSIONS: Record<string, string> = {
  "": "v1",
  apps: "v1",
  batch: "v1",
  "discovery.k8s.io": "v1",
  "networking.k8s.io": "v1",
  "storage.k8s.io": "v1",
  autoscaling: "v2",
  policy: "v1",
  "rbac.authorization.k8s.io": "v1",
  "apiextensions.k8s.io": "v1",
};

/**
 * The REST path that lists the objects of a known kind, in one namespace or across all:
 * /apis/apps/v1/deployments, /api/v1/namespaces/default/pods.
 */
export function apiPathOf(kind: string, namespace?: string): string | undefined {
  const resource = KINDS[kind]?.resource;
  if (!resource) return undefined;
  const dot = resource.indexOf(".");
  const [plural, group] = dot < 0 ? [resource, ""] : [resource.slice(0, dot), resource.slice(dot + 1)];
  const version = GROUP_VERSIONS[group];
  if (!version) return undefined;
  const scope = namespace && !isClusterScoped(kind) ? `namespaces/${encodeURIComponent(namespace)}/` : "";
  return `${group === "" ? "/api" : `/apis/${group}`}/${version}/${scope}${plural}`;
}
