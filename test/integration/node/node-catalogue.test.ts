// The offline image catalogue of profile `node` (sandbox/cluster/node/build-catalogue.sh) in
// one real node lab: every image the lessons and the course's source articles run beyond
// nginx, busybox and the echo server starts as a real pod and answers as the image of that
// name does (HTTP by pod IP from the learner's shell, the databases through their own clients
// in `kubectl exec`). The pods start together, as a learner's would. WordPress with MariaDB,
// from the source article's manifest, is walked through in source-articles.test.ts.
import { describe, expect, it } from "vitest";
import { useNodeLab } from "../../support/node-lab";
import { waitFor } from "../../support/until";

const node = useNodeLab("node-catalogue");
const { sh, ok } = node;
const until = <T>(what: string, check: () => Promise<T | false | null | undefined>, timeoutMs = 240_000) => waitFor(what, check, { timeoutMs });

/** name, image, then the container spec's fields after `image:` (YAML, 4 spaces in). */
const PODS: Array<[string, string, string]> = [
  ["httpd", "httpd:2.4", ""],
  ["redis", "redis:7", ""],
  ["mariadb", "mariadb:11.4", "    env: [{name: MARIADB_ROOT_PASSWORD, value: secret}, {name: MARIADB_DATABASE, value: shop}]\n"],
  ["mysql", "mysql:8.0", "    env: [{name: MYSQL_ROOT_PASSWORD, value: secret}, {name: MYSQL_DATABASE, value: books}, {name: MYSQL_USER, value: reader}, {name: MYSQL_PASSWORD, value: pages}]\n"],
  ["postgres", "postgres:16", "    env: [{name: POSTGRES_PASSWORD, value: secret}, {name: POSTGRES_DB, value: orders}]\n"],
  ["python", "python:3.12", '    command: ["python", "-m", "http.server", "8000"]\n'],
  ["node", "node:20", "    command: [\"node\", \"-e\", \"require('http').createServer((q, s) => s.end('hello from node ' + process.version)).listen(3000)\"]\n"],
  ["hello1", "gcr.io/google-samples/hello-app:1.0", ""],
  ["hello2", "us-docker.pkg.dev/google-samples/containers/gke/hello-app:2.0", ""],
  ["echo", "hashicorp/http-echo:1.0", '    args: ["-text=hello from http-echo"]\n'],
  ["whoami", "traefik/whoami:v1.10", ""],
  ["podinfo", "stefanprodan/podinfo:6.5.4", ""],
  // IfNotPresent: the image has no tag, so the kubelet's default policy would be Always, and a
  // node lab cannot pull (no registry inside it yet); a real node would pull it.
  ["liveness", "registry.k8s.io/liveness", '    imagePullPolicy: IfNotPresent\n    args: ["/server"]\n'],
  ["coz", "sebcontents/cozserver:1.0", ""],
];

const podIP = async (name: string) => (await ok(`kubectl get pod ${name} -o jsonpath='{.status.podIP}'`)).trim();
const get = (url: string) => until(`an answer from ${url}`, async () => {
  const r = await sh(`curl -s -m 5 ${url}`);
  return r.code === 0 && r.out.length > 0 && r.out;
});
const inPod = (name: string, command: string, expected: RegExp) => until(`${command} in ${name}`, async () => {
  const r = await sh(`kubectl exec ${name} -- ${command}`);
  return r.code === 0 && expected.test(r.out) && r.out;
});

describe("the node catalogue's images", () => {
  it("each runs as a pod that reaches Running and answers like the image of its name", async () => {
    const manifest = PODS.map(([name, image, rest]) => `---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {catalogue: "yes"}}
spec:
  containers:
  - name: main
    image: ${image}
${rest}`).join("\n");
    await ok(`cat <<'EOF' | kubectl apply -f -\n${manifest}\nEOF`);
    await until("every catalogue pod Running", async () => {
      const phases = (await ok("kubectl get pods -l catalogue=yes -o jsonpath='{range .items[*]}{.metadata.name}={.status.phase} {end}'")).trim();
      return phases.split(" ").filter((p) => p.endsWith("=Running")).length === PODS.length || false;
    }, 400_000);

    expect(await get(`http://${await podIP("httpd")}/`)).toContain("It works!");
    expect(await inPod("redis", "redis-cli ping", /PONG/)).toContain("PONG");
    expect(await inPod("mariadb", "mariadb -uroot -psecret -e 'SHOW DATABASES'", /shop/)).toContain("shop");
    expect(await inPod("mysql", "mysql -ureader -ppages books -e 'SELECT DATABASE()'", /books/)).toContain("books");
    expect(await inPod("postgres", "psql -U postgres -d orders -tAc 'SELECT current_database()'", /orders/)).toContain("orders");
    expect(await get(`http://${await podIP("python")}:8000/`)).toContain("Directory listing");
    expect(await get(`http://${await podIP("node")}:3000/`)).toMatch(/^hello from node v\d+/);
    const hello1 = await get(`http://${await podIP("hello1")}:8080/`);
    expect(hello1).toContain("Hello, world!\nVersion: 1.0.0\nHostname: hello1");
    expect(await get(`http://${await podIP("hello2")}:8080/`)).toContain("Version: 2.0.0");
    expect((await get(`http://${await podIP("echo")}:5678/`)).trim()).toBe("hello from http-echo");
    expect(await get(`http://${await podIP("whoami")}/`)).toMatch(/^Hostname: whoami\n/);
    const info = JSON.parse(await get(`http://${await podIP("podinfo")}:9898/`));
    expect(info).toMatchObject({ hostname: "podinfo", version: "6.5.4", message: "greetings from podinfo v6.5.4" });
    expect(await get(`http://${await podIP("liveness")}:8080/`)).toBe("ok");
    expect(await get(`http://${await podIP("coz")}:8080/hi`)).toContain("GET /hi");
    await ok("kubectl delete pods -l catalogue=yes --wait=false");
  }, 600_000);
});
