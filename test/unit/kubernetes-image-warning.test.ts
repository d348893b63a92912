// On the kubernetes provider a lab image named by `latest` is pulled at every lab start; the
// server says so at start-up (a warning, not a refusal: a registry may be near).
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/app/_lib/config/env";
import { isMutableTag, mutableLabImageWarnings } from "@/app/_lib/lab/create-runtime";

describe("moving lab image tags on a cluster", () => {
  it("knows a moving tag from a fixed one, registry ports and digests included", () => {
    for (const image of ["kubelab/lab-sim", "kubelab/lab-sim:latest", "registry.example:5000/kubelab/lab-sim", "registry.example:5000/lab:latest"]) {
      expect(isMutableTag(image), image).toBe(true);
    }
    for (const image of ["kubelab/lab-sim:d4927cdf41c2d009", "registry.example:5000/kubelab/lab-sim:id-0123456789abcdef", `kubelab/lab-sim@sha256:${"a".repeat(64)}`, `kubelab/lab-sim:latest@sha256:${"b".repeat(64)}`]) {
      expect(isMutableTag(image), image).toBe(false);
    }
  });

  it("warns for the default image on kubernetes, names the variable, and says what to do", () => {
    const warnings = mutableLabImageWarnings(parseEnv({ KUBELAB_PROVIDER: "kubernetes", KUBELAB_CAPACITY: "10" }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^KUBELAB_LAB_IMAGE=kubelab\/lab-sim:latest names a moving tag/);
    expect(warnings[0]).toMatch(/content tag/);
  });

  it("warns for the node image only when node labs can run, and not at all for fixed tags or on docker", () => {
    const both = mutableLabImageWarnings(parseEnv({ KUBELAB_PROVIDER: "kubernetes", KUBELAB_CAPACITY: "10", KUBELAB_K8S_NODE_RUNTIME_CLASS: "sysbox-runc" }));
    expect(both.map((w) => w.split("=")[0])).toEqual(["KUBELAB_LAB_IMAGE", "KUBELAB_NODE_LAB_IMAGE"]);
    expect(
      mutableLabImageWarnings(parseEnv({
        KUBELAB_PROVIDER: "kubernetes", KUBELAB_CAPACITY: "10", KUBELAB_K8S_NODE_RUNTIME_CLASS: "sysbox-runc",
        KUBELAB_LAB_IMAGE: "kubelab/lab-sim:d4927cdf41c2d009", KUBELAB_NODE_LAB_IMAGE: "kubelab/lab-node:8f2226c2a6697188",
      })),
    ).toEqual([]);
    // Docker runs the host's own image store: latest is what the set-up just built.
    expect(mutableLabImageWarnings(parseEnv({ KUBELAB_PROVIDER: "docker" }))).toEqual([]);
  });
});
