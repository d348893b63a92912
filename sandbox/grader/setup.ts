// Runs an exercise's `setup` script once per lab. That it ran is remembered INSIDE the
// cluster, as a key of the ConfigMap kube-system/kubelab-setup, so that a lab reset (the
// etcd keyspace put back to its pristine copy) forgets it and the next visit prepares the
// exercise again. Scripts are idempotent anyway, so two visits racing is harmless.
import { z } from "zod";
import type { Exercise } from "@/sandbox/grader/exercise-schema";
import { AS_GRADER, execBounded, type GradeTarget, LAB_BIN, TIMED_OUT } from "./engine";
import * as say from "./messages";
import type { Bilingual } from "./results";

export const SETUP_CONFIGMAP = { namespace: "kube-system", name: "kubelab-setup" } as const;

/**
 * Where a setup keeps what must outlive a cluster reset (`minikube delete`), such as "the
 * learner already cleaned up once". A new lab does not have it; "start this lesson from a
 * clean cluster" removes it with the cluster.
 */
export const SETUP_STATE_DIR = "/tmp/kubelab-setup";

/** The ConfigMap key for one exercise: `<lessonId>.<exerciseId>` (both are slugs, so valid keys). */
export function setupKey(lessonId: string, exerciseId: string): string {
  return `${lessonId}.${exerciseId}`;
}

export class SetupError extends Error {
  constructor(readonly text: Bilingual) {
    super(text.en);
    this.name = "SetupError";
  }
}

const SETUP_TIMEOUT_MS = 120_000;

// The recording step: create the ConfigMap if it is missing, then merge one key into it.
// Run as the grader (its PATH is fixed, kubectl is its own); the set-up script itself runs
// as the learner, since it prepares the learner's world (files in their home included).
const RECORD = `set -e
kubectl get configmap -n ${SETUP_CONFIGMAP.namespace} ${SETUP_CONFIGMAP.name} >/dev/null 2>&1 ||
  kubectl create configmap -n ${SETUP_CONFIGMAP.namespace} ${SETUP_CONFIGMAP.name} >/dev/null 2>&1 || true
kubectl patch configmap -n ${SETUP_CONFIGMAP.namespace} ${SETUP_CONFIGMAP.name} --type merge -p "{\\"data\\":{\\"$1\\":\\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\\"}}" >/dev/null`;

const configMapSchema = z.looseObject({ data: z.record(z.string(), z.string()).optional() });

export async function hasRunSetup(target: GradeTarget, key: string): Promise<boolean> {
  const r = await execBounded(target, [LAB_BIN.kubectl, "get", "configmap", "-n", SETUP_CONFIGMAP.namespace, SETUP_CONFIGMAP.name, "-o", "json", "--ignore-not-found"], 10_000, AS_GRADER);
  if (r.exitCode !== 0) throw new SetupError(say.labUnreadable(r.stderr || r.stdout));
  if (r.stdout.trim() === "") return false;
  const data = configMapSchema.parse(JSON.parse(r.stdout)).data ?? {};
  return key in data;
}

/**
 * Runs the exercise's setup unless this lab's cluster already had it. Throws SetupError
 * (bilingual, for the UI) when the lab cannot be read or the script fails.
 */
export async function runSetup(input: { lessonId: string; exercise: Exercise }, target: GradeTarget): Promise<{ ran: boolean }> {
  const script = input.exercise.setup;
  if (!script?.trim()) return { ran: false };
  const key = setupKey(input.lessonId, input.exercise.id);
  try {
    if (await hasRunSetup(target, key)) return { ran: false };
    const r = await execBounded(target, [LAB_BIN.bash, "-eo", "pipefail", "-c", script], SETUP_TIMEOUT_MS, { user: "learner" });
    if (r.exitCode !== 0) {
      throw new SetupError(TIMED_OUT.has(r.exitCode) ? say.setupFailed(r.exitCode, `no end within ${SETUP_TIMEOUT_MS / 1000} s`) : say.setupFailed(r.exitCode, r.stderr || r.stdout));
    }
    const recorded = await execBounded(target, [LAB_BIN.bash, "-c", RECORD, "record", key], 15_000, AS_GRADER);
    if (recorded.exitCode !== 0) throw new SetupError(say.setupFailed(recorded.exitCode, recorded.stderr || recorded.stdout));
    return { ran: true };
  } catch (error) {
    if (error instanceof SetupError) throw error;
    throw new SetupError(say.labUnreadable((error as Error).message));
  }
}
