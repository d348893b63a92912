// Field paths that pick list items by a field of theirs (containers[name=web].env[name=MODE]),
// read from objects as `kubectl get -o json` prints them, and the schema's words for a path
// it refuses: an author reads what is wrong, not only the pattern it missed.
import { describe, expect, it } from "vitest";
import { checkSchema, pathSchema } from "@/sandbox/grader/exercise-schema";
import { evaluateSelectCheck, type KubeObject } from "@/sandbox/grader/evaluate";
import { parsePath, pathProblem, readPath } from "@/sandbox/grader/paths";

const deployment: KubeObject = {
  kind: "Deployment",
  metadata: { name: "web", namespace: "default" },
  spec: {
    template: {
      spec: {
        containers: [
          { name: "sidecar", image: "busybox:1.36", env: [{ name: "MODE", value: "sidecar" }] },
          { name: "web", image: "nginx:1.25", env: [{ name: "LEVEL", value: "3" }, { name: "MODE", value: "prod" }], resources: { limits: { memory: "128Mi" } } },
        ],
      },
    },
  },
};
const t = { ko: "제목", en: "Title" };

describe("a field path with list items picked by a field", () => {
  it("reads the item whose field has the value, wherever it is in the list", () => {
    expect(readPath(deployment, "spec.template.spec.containers[name=web].env[name=MODE].value")).toBe("prod");
    expect(readPath(deployment, "spec.template.spec.containers[name=sidecar].env[name=MODE].value")).toBe("sidecar");
    expect(readPath(deployment, "spec.template.spec.containers[name=web].resources.limits.memory")).toBe("128Mi");
    expect(readPath(deployment, "spec.template.spec.containers[image=nginx:1.25].name")).toBe("web");
  });

  it("reads nothing when no item has the value, or the field is not a list", () => {
    expect(readPath(deployment, "spec.template.spec.containers[name=api].env[name=MODE].value")).toBeUndefined();
    expect(readPath(deployment, "spec.template.spec.containers[name=web].env[name=DEBUG].value")).toBeUndefined();
    expect(readPath(deployment, "spec.template[name=web]")).toBeUndefined();
  });

  it("matches on a dotted field of the item", () => {
    const ingress = { spec: { rules: [{ host: "a.example.com", http: { paths: [{ path: "/", backend: { service: { name: "a" } } }, { path: "/orders", backend: { service: { name: "orders" } } }] } }] } };
    expect(readPath(ingress, "spec.rules[host=a.example.com].http.paths[backend.service.name=orders].path")).toBe("/orders");
  });

  it("parses into keys, item matches and indexes", () => {
    expect(parsePath('spec.containers[name=web].env[0].value')).toEqual([
      { type: "key", key: "spec" },
      { type: "key", key: "containers" },
      { type: "match", field: "name", value: "web" },
      { type: "key", key: "env" },
      { type: "index", index: 0 },
      { type: "key", key: "value" },
    ]);
  });

  it("works in a check's expect and in a sameAs, passing and failing with the container and variable named", () => {
    const pass = checkSchema.parse({ id: "mode", title: t, hint: t, select: { kind: "Deployment", name: "web" }, expect: [{ path: "spec.template.spec.containers[name=web].env[name=MODE].value", equals: "prod" }] });
    expect(evaluateSelectCheck(pass, [deployment]).status).toBe("pass");
    const fail = checkSchema.parse({ id: "mode", title: t, hint: t, select: { kind: "Deployment", name: "web" }, expect: [{ path: "spec.template.spec.containers[name=web].env[name=MODE].value", equals: "dev" }] });
    const r = evaluateSelectCheck(fail, [deployment]);
    expect(r.status).toBe("fail");
    expect(r.message.en).toContain("`MODE`");
    expect(r.message.en).toContain("`web`");
    expect(r.message.en).toContain("`prod`");
    expect(r.message.ko).toContain("환경 변수 `MODE`");
    const same = checkSchema.parse({
      id: "same",
      title: t,
      hint: t,
      select: { kind: "Deployment", name: "web" },
      expect: [{ path: "spec.template.spec.containers[name=sidecar].image", sameAs: { kind: "Deployment", name: "web", path: "spec.template.spec.containers[name=sidecar].image" } }],
    });
    expect(evaluateSelectCheck(same, [deployment], () => [deployment]).status).toBe("pass");
  });
});

describe("a malformed path", () => {
  const cases: [string, RegExp][] = [
    ["spec.containers[name=web.image", /1 \[ but 0 \]/],
    ["spec.containers[=web].image", /no field before =/],
    ["spec.containers[name=].image", /no value after =/],
    ["spec.containers[name web].image", /neither an index such as \[0\] nor a selector such as \[name=web\]/],
    ["spec.containers[].image", /empty \[\]/],
    ["spec.containers[na me=web].image", /field "na me" is not a dotted field name/],
    ["spec..replicas", /empty field name/],
    [".spec.replicas", /must start with a field name/],
    ["spec.containers[name=web]image", /needs a dot or \[ after a \]/],
    ['metadata.labels["app.kubernetes.io/name].x', /unclosed quoted key|1 \[ but 0 \]/],
  ];
  for (const [path, words] of cases) {
    it(`${path}: refused, saying what is wrong`, () => {
      expect(pathProblem(path)).toMatch(words);
      const r = pathSchema.safeParse(path);
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]!.message).toMatch(words);
      expect(r.error!.issues[0]!.message).toContain("containers[name=web].env[name=MODE].value");
    });
  }

  it("is refused inside a check, at the expectation's path", () => {
    const r = checkSchema.safeParse({ id: "x", title: t, hint: t, select: { kind: "Pod", name: "p" }, expect: [{ path: "spec.containers[name=].image", equals: "x" }] });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => [i.path.join("."), i.message])).toContainEqual(["expect.0.path", expect.stringMatching(/no value after =/)]);
  });

  it("good paths pass", () => {
    for (const p of ["spec.replicas", "spec.template.spec.containers[0].image", 'metadata.annotations["kubernetes.io/change-cause"]', "spec.containers[name=web].env[name=MODE].value", "spec.rules[host=shop.example.com].http.paths[path=/orders].backend.service.name"]) {
      expect(pathProblem(p), p).toBeUndefined();
      expect(pathSchema.safeParse(p).success, p).toBe(true);
    }
  });
});
