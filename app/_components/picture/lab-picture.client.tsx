"use client";
// The lab column's cluster picture: a toggle for the toolbar and the picture of the learner's
// own lab above the terminal. Open or closed is remembered in this browser, and a lesson's
// picture link (picture-link.client.tsx) opens it.
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { OPEN_PICTURE_EVENT } from "@/app/_components/lab/lab-bus";
import { ClusterPictureView } from "./cluster-picture.client";
import { useClusterPicture } from "./use-cluster-picture";

const STORAGE_KEY = "kubelab:picture-open";
export const LAB_PICTURE_ID = "lab-cluster-picture";

/** Whether the picture is open, remembered per browser; a picture link opens it. */
export function usePictureOpen(): [boolean, (open: boolean) => void] {
  const [open, setOpenState] = useState(false);
  useEffect(() => {
    try {
      if (window.localStorage.getItem(STORAGE_KEY) === "1") setOpenState(true);
    } catch {
      // storage refused (private mode): the picture starts closed
    }
    const onOpen = () => setOpenState(true);
    window.addEventListener(OPEN_PICTURE_EVENT, onOpen);
    return () => window.removeEventListener(OPEN_PICTURE_EVENT, onOpen);
  }, []);
  const setOpen = (value: boolean) => {
    setOpenState(value);
    try {
      window.localStorage.setItem(STORAGE_KEY, value ? "1" : "0");
    } catch {
      // not remembered, still shown
    }
  };
  return [open, setOpen];
}

export function PictureToggle({ open, onToggle }: { open: boolean; onToggle(): void }) {
  const t = useTranslations("ClusterPicture");
  return (
    <button
      type="button"
      className="button picture-toggle"
      data-testid="picture-toggle"
      aria-expanded={open}
      aria-controls={open ? LAB_PICTURE_ID : undefined}
      title={t("toggleHint")}
      onClick={onToggle}
    >
      {t("toggle")}
    </button>
  );
}

export function LabPicture() {
  const t = useTranslations("ClusterPicture");
  const state = useClusterPicture("/api/lab/picture");
  return (
    <div className="lab-picture">
      <ClusterPictureView id={LAB_PICTURE_ID} state={state} title={t("title")} />
    </div>
  );
}
