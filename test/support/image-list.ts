// Reads sandbox/cluster/lab/images.txt the way the lab does (kubelab-cluster's image_lists):
// Docker's name normalisation, a bare name means :latest, `repo:*` means any tag. Lines of the
// form `# unpullable: <ref>` name images a lesson uses on purpose to show a failed pull.
import { readFileSync } from "node:fs";

export interface ImageList {
  pullable(ref: string): boolean;
  unpullable: Set<string>;
}

/** `nginx:1.25` → `docker.io/library/nginx:1.25`; digests are kept as the tag. */
export function normaliseImage(ref: string): { repo: string; tag: string } {
  let repo = ref.trim();
  let tag = "latest";
  const at = repo.indexOf("@");
  if (at >= 0) {
    tag = repo.slice(at + 1);
    repo = repo.slice(0, at);
  } else {
    const last = repo.split("/").pop()!;
    const colon = last.indexOf(":");
    if (colon >= 0) {
      tag = last.slice(colon + 1);
      repo = repo.slice(0, repo.length - (last.length - colon));
    }
  }
  const head = repo.split("/")[0]!;
  if (!repo.includes("/")) repo = `docker.io/library/${repo}`;
  else if (head === "index.docker.io") repo = `docker.io/${repo.slice("index.docker.io/".length)}`;
  else if (!head.includes(".") && !head.includes(":") && head !== "localhost") repo = `docker.io/${repo}`;
  if (/^docker\.io\/[^/]+$/.test(repo)) repo = `docker.io/library/${repo.slice("docker.io/".length)}`;
  return { repo, tag };
}

export function readImageList(file: string): ImageList {
  const known = new Set<string>();
  const anyTag = new Set<string>();
  const unpullable = new Set<string>();
  for (const raw of readFileSync(file, "utf8").split("\n")) {
    const declared = /^#\s*unpullable:\s*(\S+)/.exec(raw);
    if (declared) {
      const { repo, tag } = normaliseImage(declared[1]!);
      unpullable.add(`${repo}:${tag}`);
      continue;
    }
    const line = raw.replace(/#.*/, "").replace(/\s+/g, "");
    if (!line) continue;
    const { repo, tag } = normaliseImage(line);
    if (tag === "*") anyTag.add(repo);
    else known.add(`${repo}:${tag}`);
  }
  return {
    unpullable,
    pullable(ref) {
      const { repo, tag } = normaliseImage(ref);
      return anyTag.has(repo) || known.has(`${repo}:${tag}`);
    },
  };
}

/** Image references in shell and YAML: `image: x`, `--image=x`, `set image deploy/d c=x`, `docker build -t x`. */
export function imagesIn(text: string): string[] {
  const found = new Set<string>();
  // A reference is made of these characters only, so a backtick or a Korean particle right
  // after it (`nginx:1.27`처럼) ends it; a trailing full stop or colon belongs to the prose.
  const REF = String.raw`([\w./:@$<>-]+)`;
  const clean = (s: string) => s.replace(/[.:]+$/, "");
  for (const m of text.matchAll(new RegExp(String.raw`^[ \t]*-?[ \t]*image:[ \t]*["']?` + REF, "gm"))) found.add(clean(m[1]!));
  for (const m of text.matchAll(new RegExp(String.raw`--image[= ]["']?` + REF, "g"))) found.add(clean(m[1]!));
  for (const m of text.matchAll(/set image\s+\S+((?:\s+[\w.-]+=[^\s]+)+)/g)) {
    for (const pair of m[1]!.trim().split(/\s+/)) {
      const ref = new RegExp(`^${REF}`).exec(pair.slice(pair.indexOf("=") + 1))?.[1];
      if (ref) found.add(clean(ref));
    }
  }
  for (const m of text.matchAll(new RegExp(String.raw`docker build[^\n]*?\s-t\s+["']?` + REF, "g"))) found.add(clean(m[1]!));
  // Placeholders (`$IMAGE`, `<image>`, `CONTAINER=IMAGE`) are not images: a repository name is lowercase.
  return [...found].filter((ref) => ref && !ref.includes("$") && !ref.includes("<") && !/[A-Z]/.test(ref.split(/[:@]/)[0]!));
}

/**
 * The repositories a text builds in a `node` lab (`docker build -t`, `docker image build`,
 * `minikube image build`, each `-t`/`--tag`), normalised. No registry has them: any tag of
 * one is the lesson's own image, present on the node once built and absent before, which its
 * exercises' proofs show; images.txt, the list of what a registry would serve, does not name them.
 */
export function repositoriesBuiltIn(text: string): Set<string> {
  const built = new Set<string>();
  for (const m of text.matchAll(/(?:docker(?: image)?|minikube image) build\b[^\n]*/g)) {
    for (const t of m[0].matchAll(/(?:^|\s)(?:-t|--tag)[ =]["']?([\w./:@-]+)/g)) built.add(normaliseImage(t[1]!).repo);
  }
  return built;
}
