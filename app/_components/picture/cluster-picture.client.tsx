"use client";
// The picture of a learner's cluster as nested lists: namespaces; in each, Deployments ->
// ReplicaSets (newest revision first) -> Pods, then Services -> their endpoints. Every state
// is said in words (phase, ready or not, restarts), never by colour alone; each list is named
// for screen readers; the region scrolls by keyboard. The same view serves the learner's lab
// column and an instructor's learner panel (read-only: nothing here acts on the lab).
import { useTranslations } from "next-intl";
import type { ClusterPicture, PictureNamespace, PicturePod, PictureReplicaSet } from "@/sandbox/picture/schema";
import type { PictureState } from "./use-cluster-picture";
import "./picture.css";

const PHASES = new Set(["Running", "Pending", "Succeeded", "Failed", "Unknown"]);

export function ClusterPictureView({ state, title, readOnly, id }: { state: PictureState; title: string; readOnly?: boolean; id?: string }) {
  const t = useTranslations("ClusterPicture");
  const headingId = `${id ?? "cluster-picture"}-title`;
  const { picture, status } = state;
  return (
    <section
      id={id}
      className="picture"
      data-testid="cluster-picture"
      data-status={status}
      data-seq={state.seq}
      data-read-only={readOnly ? "true" : "false"}
      aria-labelledby={headingId}
      tabIndex={0}
    >
      <header className="picture-head">
        <h3 id={headingId} className="picture-title">
          {title}
        </h3>
        {readOnly ? <span className="picture-badge">{t("readOnly")}</span> : null}
        <span className={`picture-status picture-status-${status}`} role="status" data-testid="picture-status">
          {status === "live" || status === "connecting" ? t(`status.${status}`) : null}
        </span>
      </header>
      {status !== "live" && status !== "connecting" ? (
        <p className={status === "waiting" ? "picture-note" : "picture-alert"} role={status === "waiting" ? undefined : "alert"}>
          {t(`status.${status}`)}
        </p>
      ) : null}
      {picture ? <PictureTree picture={picture} stale={status !== "live"} /> : null}
    </section>
  );
}

function PictureTree({ picture, stale }: { picture: ClusterPicture; stale: boolean }) {
  const t = useTranslations("ClusterPicture");
  const empty = picture.namespaces.every((ns) => ns.deployments.length + ns.replicaSets.length + ns.pods.length + ns.services.length === 0);
  return (
    <>
      {empty ? <p className="picture-note">{t("empty")}</p> : null}
      <ul className={`picture-tree${stale ? " picture-stale" : ""}`} aria-label={t("treeLabel")}>
        {picture.namespaces.map((ns) => (
          <Namespace key={ns.name} ns={ns} />
        ))}
      </ul>
      <p className="picture-foot">{t("systemHidden")}</p>
    </>
  );
}

function Namespace({ ns }: { ns: PictureNamespace }) {
  const t = useTranslations("ClusterPicture");
  const nothing = ns.deployments.length + ns.replicaSets.length + ns.pods.length + ns.services.length === 0;
  return (
    <li className="picture-ns" data-testid="picture-namespace" data-name={ns.name}>
      <span className="picture-ns-name">
        {t("namespace", { name: ns.name })}
        {ns.terminating ? <span className="picture-warn"> · {t("namespaceTerminating")}</span> : null}
      </span>
      {nothing ? <p className="picture-note picture-inset">{t("nothingHere")}</p> : null}
      {ns.deployments.length > 0 ? (
        <ul className="picture-list" aria-label={`${t("deployments")} (${ns.name})`}>
          {ns.deployments.map((d) => (
            <li key={d.name} className="picture-item" data-testid="picture-deployment" data-name={d.name}>
              <Row kind={t("deployment")} name={d.name} facts={[t("readyOf", { ready: d.ready, desired: d.desired }), t("updated", { updated: d.updated })]} />
              {d.replicaSets.length > 0 ? (
                <ul className="picture-list" aria-label={t("replicaSetsOf", { name: d.name })}>
                  {d.replicaSets.map((rs) => (
                    <ReplicaSet key={rs.name} rs={rs} />
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {ns.replicaSets.length > 0 ? (
        <ul className="picture-list" aria-label={`${t("otherReplicaSets")} (${ns.name})`}>
          {ns.replicaSets.map((rs) => (
            <ReplicaSet key={rs.name} rs={rs} />
          ))}
        </ul>
      ) : null}
      {ns.pods.length > 0 ? (
        <ul className="picture-list" aria-label={`${t("otherPods")} (${ns.name})`}>
          {ns.pods.map((p) => (
            <Pod key={p.name} pod={p} />
          ))}
        </ul>
      ) : null}
      {ns.services.length > 0 ? (
        <ul className="picture-list" aria-label={`${t("services")} (${ns.name})`}>
          {ns.services.map((s) => (
            <li key={s.name} className="picture-item" data-testid="picture-service" data-name={s.name} data-endpoints={s.endpoints.length}>
              <Row kind={t("service")} name={s.name} facts={[s.type, ...(s.clusterIP ? [s.clusterIP] : []), ...s.ports]} />
              {s.endpoints.length > 0 ? (
                <ul className="picture-list" aria-label={t("endpointsOf", { name: s.name })}>
                  {s.endpoints.map((e) => (
                    <li key={e.address} className="picture-item picture-leaf" data-testid="picture-endpoint" data-ready={e.ready ? "true" : "false"}>
                      <span className={`picture-dot ${e.ready ? "picture-ok" : "picture-bad"}`} aria-hidden="true" />
                      <span className="picture-kind">{t("endpoints")}</span> <code>{e.address}</code>
                      {e.pod ? <span className="picture-fact"> → {e.pod}</span> : null}
                      <span className="picture-fact"> · {e.ready ? t("endpointReady") : t("endpointNotReady")}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="picture-note picture-inset">{t("noEndpoints")}</p>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

function ReplicaSet({ rs }: { rs: PictureReplicaSet }) {
  const t = useTranslations("ClusterPicture");
  return (
    <li className="picture-item" data-testid="picture-replicaset" data-name={rs.name} data-desired={rs.desired} data-pods={rs.pods.length}>
      <Row kind={t("replicaSet")} name={rs.name} facts={[...(rs.revision !== null ? [t("revision", { revision: rs.revision })] : []), t("readyOf", { ready: rs.ready, desired: rs.desired })]} />
      {rs.pods.length > 0 ? (
        <ul className="picture-list" aria-label={t("podsOfReplicaSet", { name: rs.name })}>
          {rs.pods.map((p) => (
            <Pod key={p.name} pod={p} />
          ))}
        </ul>
      ) : (
        <p className="picture-note picture-inset">{t("noPods")}</p>
      )}
    </li>
  );
}

function Pod({ pod }: { pod: PicturePod }) {
  const t = useTranslations("ClusterPicture");
  const phase = PHASES.has(pod.phase) ? t(`phase.${pod.phase as "Running"}`) : pod.phase;
  const facts = [phase, pod.deleting ? t("podDeleting") : pod.ready ? t("podReady") : t("podNotReady"), ...(pod.restarts > 0 ? [t("restarts", { count: pod.restarts })] : [])];
  return (
    <li
      className={`picture-item picture-leaf picture-pod${pod.deleting ? " picture-deleting" : ""}`}
      data-testid="picture-pod"
      data-name={pod.name}
      data-phase={pod.phase}
      data-ready={pod.ready ? "true" : "false"}
      data-restarts={pod.restarts}
    >
      <span className={`picture-dot ${pod.deleting ? "picture-gone" : pod.ready ? "picture-ok" : "picture-bad"}`} aria-hidden="true" />
      <Row kind={t("pod")} name={pod.name} facts={facts} warn={pod.restarts > 0} />
    </li>
  );
}

function Row({ kind, name, facts, warn }: { kind: string; name: string; facts: string[]; warn?: boolean }) {
  return (
    <span className="picture-row">
      <span className="picture-kind">{kind}</span> <code className="picture-name">{name}</code>
      {facts.length > 0 ? <span className={`picture-fact${warn ? " picture-warn" : ""}`}> · {facts.join(" · ")}</span> : null}
    </span>
  );
}
