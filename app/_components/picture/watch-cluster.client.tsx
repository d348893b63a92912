"use client";
// <WatchCluster>watch the old ReplicaSet shrink</WatchCluster> in a lesson: words that open
// the cluster view in the lab column (and the lab drawer on a phone), so the learner sees
// what the next command does to their objects. A button, since it acts rather than navigates.
import type { ReactNode } from "react";
import { useTranslations } from "next-intl";
import { openClusterPicture } from "@/app/_components/lab/lab-bus";

export function WatchCluster({ children }: { children?: ReactNode }) {
  const t = useTranslations("ClusterPicture");
  return (
    <button type="button" className="picture-link" data-testid="watch-cluster" title={t("toggleHint")} onClick={openClusterPicture}>
      {children ?? t("toggle")}
    </button>
  );
}
