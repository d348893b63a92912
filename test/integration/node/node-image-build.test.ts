// Building an image in a `node` lab (issue 14 item 4), as the learner in the lab's shell: the
// hello-node Dockerfile of the course's source article (`FROM node:6.9.2`, `COPY server.js .`,
// `CMD node server.js`) built with `docker build` after `eval $(minikube docker-env)` into the
// node's containerd, deployed with imagePullPolicy: Never and answering on 8080; `minikube
// image build` and `minikube image ls`; a FROM outside the catalogue refused with a clear
// message; and the docker commands that cannot work here saying so. One lab for the file.
import { describe, expect, it } from "vitest";
import { useNodeLab } from "../../support/node-lab";
import { waitFor } from "../../support/until";

const node = useNodeLab("node-build-it");
const { sh, ok } = node;

const SERVER_JS = `var http = require('http');
var handleRequest = function(request, response) {
  console.log('Received request for URL: ' + request.url);
  response.writeHead(200);
  response.end('Hello World!');
};
var www = http.createServer(handleRequest);
www.listen(8080);
`;

const DOCKERFILE = `FROM node:6.9.2
EXPOSE 8080
COPY server.js .
CMD node server.js
`;

/** Writes files into a directory of the learner's home, through the learner's shell. */
async function writeProject(dir: string, files: Record<string, string>): Promise<void> {
  const parts = Object.entries(files).map(([name, text]) => `cat >${dir}/${name} <<'KUBELAB_EOF'\n${text}KUBELAB_EOF`);
  await ok(`mkdir -p ${dir}\n${parts.join("\n")}`);
}

describe("image builds in a node lab", () => {
  it("builds the article's hello-node Dockerfile with docker build and runs it with imagePullPolicy: Never", async () => {
    await writeProject("~/hello-node", { "server.js": SERVER_JS, Dockerfile: DOCKERFILE });
    const env = await ok("minikube docker-env");
    expect(env).toContain('export MINIKUBE_ACTIVE_DOCKERD="minikube"');
    const build = await ok("cd ~/hello-node && eval $(minikube docker-env) && docker build -t hello-node:v1 -t gcr.io/kubelab-demo/hello-node:v1 .", 300_000);
    expect(build).toMatch(/Successfully built [0-9a-f]{12}/);
    expect(build).toContain("Successfully tagged hello-node:v1");
    expect(build).toContain("Successfully tagged gcr.io/kubelab-demo/hello-node:v1");
    expect(build).not.toMatch(/docker: line \d+:/); // no error of the script itself
    expect(await ok("docker images hello-node")).toMatch(/^hello-node\s+v1\s+[0-9a-f]{12}\s+\d/m);
    expect(await ok("docker images")).toMatch(/^gcr\.io\/kubelab-demo\/hello-node\s+v1\s/m);

    await ok(`cat <<'EOF' | kubectl apply -f -
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello-node
spec:
  selector:
    matchLabels: {app: hello-node}
  template:
    metadata:
      labels: {app: hello-node}
    spec:
      containers:
      - name: hello-node
        image: hello-node:v1
        imagePullPolicy: Never
        ports:
        - containerPort: 8080
EOF
kubectl expose deployment hello-node --type=NodePort --port=8080`);
    await ok("kubectl rollout status deployment/hello-node --timeout=120s", 150_000);
    const url = (await ok("minikube service hello-node --url")).trim();
    const answer = await waitFor("hello-node to answer", async () => {
      const r = await sh(`curl -s -m 5 ${url}`);
      return r.out === "Hello World!" && r.out;
    }, { timeoutMs: 60_000 });
    expect(answer).toBe("Hello World!");
    // The server's own output, from the image's CMD.
    expect(await ok("kubectl logs deploy/hello-node")).toContain("Received request for URL: /");
  });

  it("fails the built image with imagePullPolicy: Always, as on minikube: it was never pushed to any registry", async () => {
    // One name on Docker Hub and one on gcr.io, both hosts the lab's registry serves: it has
    // neither image, and the real registries are out of reach, so the kubelet's pull fails.
    for (const [pod, image] of [["built-always", "hello-node:v1"], ["built-always-gcr", "gcr.io/kubelab-demo/hello-node:v1"]] as const) {
      await ok(`kubectl run ${pod} --image=${image} --image-pull-policy=Always`);
      const waiting = await waitFor(`${pod}'s pull to fail`, async () => {
        const w = JSON.parse((await ok(`kubectl get pod ${pod} -o jsonpath='{.status.containerStatuses[0].state.waiting}'`)).trim() || "{}");
        return (w.reason === "ErrImagePull" || w.reason === "ImagePullBackOff") && (w as { reason: string; message?: string });
      }, { timeoutMs: 120_000 });
      expect(waiting.message).toContain(image.includes("/") ? image : `docker.io/library/${image}`);
      await ok(`kubectl delete pod ${pod} --wait=false`);
    }
    // The image the learner built is still in the node's store, untouched by the failed pulls.
    expect((await ok("minikube image ls")).split("\n")).toContain("docker.io/library/hello-node:v1");
  });

  it("builds with minikube image build and lists the result with minikube image ls", async () => {
    await writeProject("~/greeter", {
      "Dockerfile": "FROM busybox:1.36\nRUN echo 'built in the lab' >/greeting\nCMD [\"cat\", \"/greeting\"]\n",
    });
    await ok("cd ~/greeter && minikube image build -t greeter:1.0 .", 300_000);
    const list = await ok("minikube image ls");
    expect(list.split("\n")).toContain("docker.io/library/greeter:1.0");
    expect(list.split("\n")).toContain("docker.io/library/hello-node:v1");
    // The RUN step ran for real: the image's file says so when it runs as a pod.
    await ok("kubectl run greeter --image=greeter:1.0 --image-pull-policy=IfNotPresent --restart=Never");
    const out = await waitFor("the greeter pod's output", async () => {
      const phase = (await ok("kubectl get pod greeter -o jsonpath='{.status.phase}'")).trim();
      return phase === "Succeeded" || phase === "Failed" ? ok("kubectl logs greeter") : false;
    }, { timeoutMs: 120_000 });
    expect(out.trim()).toBe("built in the lab");
  });

  it("refuses a FROM image outside the catalogue with a clear message, and builds nothing", async () => {
    await writeProject("~/elsewhere", { Dockerfile: "FROM openjdk:8-jdk-alpine\nCOPY . /app\n" });
    const r = await sh("cd ~/elsewhere && docker build -t elsewhere:1 .", 120_000);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain("FROM openjdk:8-jdk-alpine: not in this lab's image catalogue");
    expect(r.out).toMatch(/no network and no\s+registry/);
    expect(await ok("docker images")).not.toMatch(/^elsewhere\s/m);
  });

  it("says plainly which docker commands cannot work here", async () => {
    const run = await sh("docker run nginx:1.25");
    expect(run.code).not.toBe(0);
    expect(run.out).toContain("'docker run' is not available in this lab. There is no Docker daemon");
    expect(run.out).toContain("kubectl run");
    const push = await sh("docker push hello-node:v1");
    expect(push.code).not.toBe(0);
    expect(push.out).toContain("no network and no registry");
  });
});
