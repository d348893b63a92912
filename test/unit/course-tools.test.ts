// The tools the course test relies on: prose extraction and fingerprints, and the image list
// parser. Made-up text only; the seeds themselves never enter the repository.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { imagesIn, readImageList, repositoriesBuiltIn } from "../support/image-list";
import { fingerprintsOf, proseOf, sentencesOf } from "../support/prose";

const seed = `---
title: "예시 글"
---

이 문단은 줄이 중간에서
끊겨 있지만 한 문장으로 읽혀야 하는 예시 문장이다. 두 번째 문장도 있다.

\`\`\`bash
kubectl get pods -o wide
\`\`\`
`;

describe("prose fingerprints", () => {
  it("joins wrapped lines, drops code and splits sentences", () => {
    const sentences = sentencesOf(proseOf(seed));
    expect(sentences).toContain("이 문단은 줄이 중간에서 끊겨 있지만 한 문장으로 읽혀야 하는 예시 문장이다.");
    expect(sentences.join(" ")).not.toContain("kubectl");
  });

  it("finds a copied sentence whatever its spacing and punctuation", () => {
    const seedPrints = fingerprintsOf(seed);
    const lesson = fingerprintsOf("이 문단은   줄이 중간에서 끊겨 있지만, 한 문장으로 읽혀야 하는 예시 문장이다!");
    expect([...lesson.sentences.keys()].some((h) => seedPrints.sentences.has(h))).toBe(true);
  });

  it("finds a lightly edited sentence by a shared run of words, and not a sentence written afresh", () => {
    const seedRuns = new Set(fingerprintsOf(seed).shingles.keys());
    const edited = fingerprintsOf("그래서 이 문단은 줄이 중간에서 끊겨 있지만 한 문장으로 읽힙니다.");
    const fresh = fingerprintsOf("문장 하나가 여러 줄에 걸쳐 있어도 같은 문장으로 다룹니다.");
    expect([...edited.shingles.keys()].some((h) => seedRuns.has(h))).toBe(true);
    expect([...fresh.shingles.keys()].some((h) => seedRuns.has(h))).toBe(false);
  });

  it("ignores inline code and keeps what alt text says", () => {
    const prose = proseOf('Run `kubectl apply -f web.yaml` now.\n\n<Figure src="a.svg" alt="A pod inside a node">caption</Figure>');
    expect(prose).not.toContain("kubectl");
    expect(prose).toContain("A pod inside a node");
  });
});

describe("image list", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "kubelab-images-"));
  const file = path.join(dir, "images.txt");
  writeFileSync(file, "# comment\nnginx:1.25\nbitnami/redis:*\nmariadb\n# unpullable: nginx:1.999\n");
  const list = readImageList(file);

  it("normalises names like Docker and honours any-tag entries", () => {
    expect(list.pullable("nginx:1.25")).toBe(true);
    expect(list.pullable("docker.io/library/nginx:1.25")).toBe(true);
    expect(list.pullable("nginx")).toBe(false);
    expect(list.pullable("mariadb:latest")).toBe(true);
    expect(list.pullable("bitnami/redis:7.2")).toBe(true);
    expect(list.pullable("nginx:1.999")).toBe(false);
    expect(list.unpullable.has("docker.io/library/nginx:1.999")).toBe(true);
  });

  it("finds images in manifests and commands", () => {
    const text = [
      "    image: nginx:1.25 # pinned",
      '      - image: "mariadb:10.6"',
      "kubectl create deployment web --image=nginx:1.26 --replicas=3",
      "kubectl set image deployment/web nginx=nginx:1.27 sidecar=busybox:1.36",
      "docker build -t hello-app:1.0 .",
      "image: ${IMAGE}",
      "then run it with --image=nginx:1.28.",
      "image:",
      "  repository: nginx",
      "kubectl set image deployment/web CONTAINER=IMAGE",
      "`--image=nginx:1.29`처럼 태그를 붙입니다.",
    ].join("\n");
    expect(imagesIn(text).sort()).toEqual(["busybox:1.36", "hello-app:1.0", "mariadb:10.6", "nginx:1.25", "nginx:1.26", "nginx:1.27", "nginx:1.28", "nginx:1.29"]);
  });

  it("finds the repositories a text builds in the lab", () => {
    const text = [
      "cd ~/hello-node && docker build -t hello-node:v1 -t gcr.io/team/hello-node:v1 .",
      "docker build -q --tag=docker.io/library/fortune:1.0 .",
      "minikube image build -t greeter:1.0 .",
      "docker images hello-node",
      "kubectl create deployment web --image=nginx:1.26",
    ].join("\n");
    expect([...repositoriesBuiltIn(text)].sort()).toEqual([
      "docker.io/library/fortune",
      "docker.io/library/greeter",
      "docker.io/library/hello-node",
      "gcr.io/team/hello-node",
    ]);
  });
});
