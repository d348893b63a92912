// The link between a lesson's code blocks and the lab column. They sit in different parts of
// the page (the lesson body is server-rendered MDX), so they meet through the window rather
// than through props: Run buttons dispatch `kubelab:run`, the terminal listens; the panel
// announces whether a terminal is ready to type into with `kubelab:lab-state`, and a module
// store keeps the latest value for buttons that mount later.
import { useSyncExternalStore } from "react";

export const RUN_EVENT = "kubelab:run";
export const LAB_STATE_EVENT = "kubelab:lab-state";
/** Asks the page to bring the lab into view (the drawer on phones opens); sent by the skip link. */
export const OPEN_LAB_EVENT = "kubelab:open-lab";

export interface RunDetail {
  command: string;
}

export interface LabStateDetail {
  /** True when a terminal is attached and input would reach the learner's shell. */
  ready: boolean;
}

let current: LabStateDetail = { ready: false };

export function announceLabState(detail: LabStateDetail): void {
  if (detail.ready === current.ready) return;
  current = detail;
  window.dispatchEvent(new CustomEvent<LabStateDetail>(LAB_STATE_EVENT, { detail }));
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener(LAB_STATE_EVENT, onChange);
  return () => window.removeEventListener(LAB_STATE_EVENT, onChange);
}

/** Whether a Run button may type into the terminal now; false during server rendering. */
export function useLabReady(): boolean {
  return useSyncExternalStore(subscribe, () => current.ready, () => false);
}

/**
 * Whether the terminal holds what the learner types: the lesson's setups are running on the
 * lab (use-live-checks knows, from the live stream), and a command typed now could race them.
 */
export const INPUT_HELD_EVENT = "kubelab:input-held";
let inputHeld = false;

export function announceInputHeld(held: boolean): void {
  if (held === inputHeld) return;
  inputHeld = held;
  window.dispatchEvent(new Event(INPUT_HELD_EVENT));
}

function subscribeInputHeld(onChange: () => void): () => void {
  window.addEventListener(INPUT_HELD_EVENT, onChange);
  return () => window.removeEventListener(INPUT_HELD_EVENT, onChange);
}

export function useInputHeld(): boolean {
  return useSyncExternalStore(subscribeInputHeld, () => inputHeld, () => false);
}

export function runInLab(command: string): void {
  window.dispatchEvent(new CustomEvent<RunDetail>(RUN_EVENT, { detail: { command } }));
}

/**
 * What a shell block sends: each line that is not empty and not a comment, each followed by
 * Enter, in order. Lines ending in a backslash still continue, because the shell sees the
 * same keystrokes a learner would type.
 */
export function commandInput(block: string): string {
  return block
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"))
    .map((line) => `${line}\r`)
    .join("");
}

export function openLab(): void {
  window.dispatchEvent(new Event(OPEN_LAB_EVENT));
}

/** Asks the lab column to show the cluster picture (a lesson's "watch it happen" link). */
export const OPEN_PICTURE_EVENT = "kubelab:open-picture";

export function openClusterPicture(): void {
  openLab();
  window.dispatchEvent(new Event(OPEN_PICTURE_EVENT));
}
