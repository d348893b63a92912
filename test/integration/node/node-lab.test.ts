// Profile `node` on the real Docker engine: ONE lab started by the Docker provider (the same
// options learners get), then everything a learner does with real pods, typed as the learner
// in the lab's shell: the node, Services by ClusterIP, NodePort and DNS name, logs, exec,
// probes and failed pulls. One lab start for the whole file: each costs a core for ~15 s.
import { describe, expect, it } from "vitest";
import { DockerProvider } from "@/sandbox/providers/docker";
import { NODE_LAB_CAPABILITIES } from "@/sandbox/providers/docker-lab-options";
import { ProfileUnavailableError } from "@/sandbox/providers/types";
import { useNodeLab } from "../../support/node-lab";
import { waitFor } from "../../support/until";

const node = useNodeLab("node-it");
const { sh, ok } = node;
const until = <T>(what: string, check: () => Promise<T | false | null | undefined>, timeoutMs = 120_000) => waitFor(what, check, { timeoutMs });

describe("a node lab from the Docker provider", () => {
  it("is created with the node profile's narrow privileges, not --privileged", async () => {
    const info = await (node.provider as unknown as { docker: import("dockerode") }).docker.getContainer(node.lab.ref).inspect();
    const hc = info.HostConfig as typeof info.HostConfig & { CgroupnsMode?: string };
    expect(hc.Privileged).toBe(false);
    expect(hc.CapDrop).toEqual(["ALL"]);
    expect([...(hc.CapAdd ?? [])].sort()).toEqual([...NODE_LAB_CAPABILITIES].sort());
    expect(hc.CgroupnsMode).toBe("private");
    expect(hc.NetworkMode).toBe("none");
    expect(info.Config.Labels["org.kubelab.profile"]).toBe("node");
    expect(node.lab.profile).toBe("node");
  });

  it("has one node, minikube, Ready, backed by a real kubelet and containerd", async () => {
    const node = JSON.parse(await ok("kubectl get node minikube -o json"));
    expect(node.status.conditions.find((c: { type: string }) => c.type === "Ready").status).toBe("True");
    expect(node.status.nodeInfo.containerRuntimeVersion).toMatch(/^containerd:\/\/2\./);
    expect(node.status.nodeInfo.kubeletVersion).toMatch(/^v1\.\d+\.\d+$/);
    expect(node.metadata.annotations?.["kwok.x-k8s.io/node"]).toBeUndefined();
    expect((await ok("kubectl get nodes -o name")).trim()).toBe("node/minikube");
    // kwok does not run in a node lab.
    expect((await sh("pgrep -x kwok")).code).not.toBe(0);
    expect(await ok("minikube status")).toMatch(/kubelet: Running\napiserver: Running/);
    expect((await ok("minikube ip")).trim()).toBe("192.168.49.2");
  });

  it("serves nginx by ClusterIP and NodePort from the shell, by DNS name from a pod, and both replicas answer", async () => {
    await ok("kubectl create deployment shop --image=nginx:1.25 --replicas=2 && kubectl expose deployment shop --port=80 --type=NodePort");
    await ok("kubectl rollout status deployment/shop --timeout=120s", 150_000);
    const ip = (await ok("kubectl get svc shop -o jsonpath='{.spec.clusterIP}'")).trim();
    expect(await until("nginx by ClusterIP", async () => (await sh(`curl -s -m 5 http://${ip}/`)).out.includes("Welcome to nginx!") && true)).toBe(true);
    const url = (await ok("minikube service shop --url")).trim();
    expect(url).toMatch(/^http:\/\/192\.168\.49\.2:3\d{4}$/);
    expect(await ok(`curl -s -m 5 ${url}`)).toContain("Welcome to nginx!");
    // Requests spread over both pods: each one's access log shows some (kube-proxy may add the
    // second endpoint a moment after the rollout, so requests go on until both have answered).
    const pods = (await ok("kubectl get pods -l app=shop -o jsonpath='{.items[*].metadata.name}'")).trim().split(/\s+/);
    expect(pods).toHaveLength(2);
    const served = async (pod: string) => /"GET \/ HTTP\/1\.1" 200/.test(await ok(`kubectl logs ${pod}`));
    expect(await until("both replicas to answer", async () => {
      await ok(`for i in $(seq 20); do curl -s -m 5 -o /dev/null http://${ip}/; done`);
      return (await served(pods[0]!)) && (await served(pods[1]!));
    })).toBe(true);
    // Another pod finds the Service by its DNS name through CoreDNS and kube-proxy.
    await ok("kubectl run client --image=busybox:1.36 --restart=Never -- wget -qO- http://shop.default.svc.cluster.local/");
    const page = await until("the client pod's answer", async () => {
      const phase = (await ok("kubectl get pod client -o jsonpath='{.status.phase}'")).trim();
      return phase === "Succeeded" || phase === "Failed" ? ok("kubectl logs client") : false;
    });
    expect(page).toContain("Welcome to nginx!");
  });

  it("explains a failed curl from the learner's shell in the node's own terms, never as a simulated node", async () => {
    // The learner's interactive shell (bash -i reads ~/.bashrc, which wraps curl).
    const curl = async (url: string) => (await sh(`bash -ic 'curl -sS -m 5 ${url}; echo "rc=$?"' 2>&1`)).out;
    // A Service's name: as on minikube, the node's resolver is not the cluster's DNS; pods resolve it.
    const byName = await curl("http://shop/");
    expect(byName).toMatch(/rc=6/);
    expect(byName).toContain("the node does not use the cluster's DNS");
    // A Service with no endpoints refuses for real: curl's own words are the whole story.
    await ok("kubectl create service clusterip nobody --tcp=80:80");
    const ip = (await ok("kubectl get svc nobody -o jsonpath='{.spec.clusterIP}'")).trim();
    const refused = await curl(`http://${ip}/`);
    expect(refused).toMatch(/rc=(7|28)/);
    expect(refused).not.toMatch(/simulated|cluster's DNS/);
    // Outside the lab: still no network, and the shell says so.
    expect(await curl("http://example.com/")).toContain("this lab has no network connection beyond itself");
    await ok("kubectl delete service nobody");
  });

  it("runs the hello server on 8080 and shows its real output in kubectl logs; kubectl exec reads a mounted ConfigMap", async () => {
    await ok("kubectl create deployment hello --image=kicbase/echo-server:1.0 && kubectl expose deployment hello --port=8080");
    await ok("kubectl rollout status deployment/hello --timeout=120s", 150_000);
    const ip = (await ok("kubectl get svc hello -o jsonpath='{.spec.clusterIP}'")).trim();
    const answer = await until("the hello server", async () => {
      const r = await sh(`curl -s -m 5 http://${ip}:8080/greeting`);
      return r.out.includes("Request served by") && r.out;
    });
    expect(answer).toMatch(/GET \/greeting/);
    expect(await ok("kubectl logs deploy/hello")).toMatch(/GET \/greeting/);
    await ok(`kubectl create configmap greeting --from-literal=message='hello from a configmap'
cat <<'EOF' | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata: {name: reader}
spec:
  containers:
  - name: main
    image: busybox:1.36
    command: ["sleep", "3600"]
    volumeMounts: [{name: cfg, mountPath: /etc/greeting}]
  volumes: [{name: cfg, configMap: {name: greeting}}]
EOF
kubectl wait --for=condition=Ready pod/reader --timeout=120s`, 150_000);
    expect(await ok("kubectl exec reader -- cat /etc/greeting/message")).toBe("hello from a configmap");
  });

  it("forwards a local port to a pod (kubectl port-forward)", async () => {
    const out = await ok(`kubectl port-forward deployment/shop 18080:80 >/tmp/pf.log 2>&1 & pf=$!
for i in $(seq 50); do curl -s -m 2 http://127.0.0.1:18080/ && break; sleep 0.2; done
kill $pf`);
    expect(out).toContain("Welcome to nginx!");
  });

  it("keeps a pod whose readiness probe fails out of the Service's endpoints", async () => {
    await ok(`cat <<'EOF' | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata: {name: unready, labels: {app: shop}}
spec:
  containers:
  - name: web
    image: nginx:1.25
    readinessProbe:
      tcpSocket: {port: 8081}
      periodSeconds: 1
EOF
kubectl wait --for=jsonpath='{.status.phase}'=Running pod/unready --timeout=120s`, 150_000);
    const ip = (await ok("kubectl get pod unready -o jsonpath='{.status.podIP}'")).trim();
    expect(ip).toMatch(/^10\.244\./);
    // Running but never Ready: the Service's endpoints list it as not ready, and traffic goes elsewhere.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await ok("kubectl get pod unready -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}'")).trim()).toBe("False");
    const slices = JSON.parse(await ok("kubectl get endpointslices -l kubernetes.io/service-name=shop -o json"));
    const endpoint = slices.items
      .flatMap((s: { endpoints?: Array<{ addresses: string[]; conditions: { ready: boolean } }> }) => s.endpoints ?? [])
      .find((e: { addresses: string[] }) => e.addresses.includes(ip));
    expect(endpoint?.conditions.ready).toBe(false);
    await ok("kubectl delete pod unready --wait=false");
  });

  it("restarts a container whose liveness probe fails", async () => {
    await ok(`cat <<'EOF' | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata: {name: probed}
spec:
  containers:
  - name: web
    image: nginx:1.25
    livenessProbe:
      httpGet: {path: /no-such-page, port: 80}
      periodSeconds: 1
      failureThreshold: 1
EOF`);
    const restarts = await until("a restart by the liveness probe", async () => {
      const n = Number((await ok("kubectl get pod probed -o jsonpath='{.status.containerStatuses[0].restartCount}'")).trim() || 0);
      return n >= 1 && n;
    }, 150_000);
    expect(restarts).toBeGreaterThanOrEqual(1);
    expect(await ok("kubectl get events --field-selector involvedObject.name=probed")).toMatch(/Liveness probe failed: HTTP probe failed with statuscode: 404/);
  });

  it("fails an image that is not in the offline catalogue with ErrImagePull, then ImagePullBackOff", async () => {
    await ok("kubectl run nothere --image=nginx:1.999");
    const reason = await until("a pull failure", async () => {
      const r = (await ok("kubectl get pod nothere -o jsonpath='{.status.containerStatuses[0].state.waiting.reason}'")).trim();
      return (r === "ErrImagePull" || r === "ImagePullBackOff") && r;
    });
    expect(["ErrImagePull", "ImagePullBackOff"]).toContain(reason);
    await until("ImagePullBackOff", async () =>
      (await ok("kubectl get pod nothere -o jsonpath='{.status.containerStatuses[0].state.waiting.reason}'")).trim() === "ImagePullBackOff");
    // A Deployment stalled on a mistyped tag comes back with rollout undo.
    await ok("kubectl set image deployment/shop nginx=nginx:1.999");
    await until("the new ReplicaSet's pull failure", async () => /ErrImagePull|ImagePullBackOff/.test(await ok("kubectl get pods -l app=shop")));
    await ok("kubectl rollout undo deployment/shop && kubectl rollout status deployment/shop --timeout=120s", 150_000);
    expect(await ok("kubectl get deployment shop -o jsonpath='{.spec.template.spec.containers[0].image}'")).toBe("nginx:1.25");
  });
});

describe("pulls a real node would make, from the lab's registry of the catalogue", () => {
  const waitingOf = async (pod: string) =>
    JSON.parse((await ok(`kubectl get pod ${pod} -o jsonpath='{.status.containerStatuses[0].state.waiting}'`)).trim() || "{}") as { reason?: string; message?: string };
  const eventsOf = (pod: string) => ok(`kubectl get events --field-selector involvedObject.name=${pod} -o jsonpath='{range .items[*]}{.reason}: {.message}{"\\n"}{end}'`);

  it("runs a catalogued image with imagePullPolicy: Always, and nginx with no tag (the kubelet then always pulls)", async () => {
    await ok(`cat <<'EOF' | kubectl apply -f -
apiVersion: apps/v1
kind: Deployment
metadata: {name: always}
spec:
  selector: {matchLabels: {app: always}}
  template:
    metadata: {labels: {app: always}}
    spec:
      containers:
      - name: web
        image: httpd:2.4
        imagePullPolicy: Always
EOF
kubectl run plain --image=nginx`);
    await ok("kubectl rollout status deployment/always --timeout=120s && kubectl wait --for=condition=Ready pod/plain --timeout=120s", 150_000);
    expect((await ok("kubectl get pod plain -o jsonpath='{.spec.containers[0].imagePullPolicy}'")).trim()).toBe("Always");
    // The kubelet did pull (not just find the image on the node), and the pull succeeded.
    const pod = (await ok("kubectl get pods -l app=always -o jsonpath='{.items[0].metadata.name}'")).trim();
    expect(await eventsOf(pod)).toMatch(/Pulled: Successfully pulled image "httpd:2\.4"/);
    expect(await eventsOf("plain")).toMatch(/Pulled: Successfully pulled image "nginx"/);
    const ip = (await ok("kubectl get pod plain -o jsonpath='{.status.podIP}'")).trim();
    expect(await ok(`curl -s -m 5 http://${ip}/`)).toContain("Welcome to nginx!");
    await ok("kubectl delete deployment always && kubectl delete pod plain --wait=false");
  });

  it("fails an image outside the catalogue with Always as ErrImagePull, then ImagePullBackOff, naming the image", async () => {
    await ok("kubectl run elsewhere --image=kubelab-test/not-catalogued:1 --image-pull-policy=Always");
    const failed = await until("a pull failure", async () => {
      const w = await waitingOf("elsewhere");
      return (w.reason === "ErrImagePull" || w.reason === "ImagePullBackOff") && w;
    });
    expect(failed.message).toContain("docker.io/kubelab-test/not-catalogued:1");
    await until("ImagePullBackOff", async () => (await waitingOf("elsewhere")).reason === "ImagePullBackOff");
    await ok("kubectl delete pod elsewhere --wait=false");
  });

  it("keeps the registry read-only for the learner: nothing can be pushed over a catalogued image", async () => {
    const push = await sh("curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:10264/v2/docker.io/library/nginx/blobs/uploads/");
    expect(push.out).toBe("405");
    // It serves the catalogue's manifest for the same digest the node holds.
    const head = await ok("curl -s -I -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' http://127.0.0.1:10264/v2/docker.io/library/nginx/manifests/1.25");
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect((await sh("touch /opt/kubelab/node/registry/planted")).code).not.toBe(0);
    const user = await node.provider.exec(node.lab, ["ps", "-o", "user=", "-C", "docker-registry"], { user: "root" });
    expect(user.stdout.trim()).toBe("nobody");
  });

  it("runs kubernetes-bootcamp v1, and v2 answers differently after kubectl set image", async () => {
    // The Kubernetes Basics tutorial's steps.
    await ok("kubectl create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1 && kubectl expose deployment/kubernetes-bootcamp --type=NodePort --port=8080");
    await ok("kubectl rollout status deployment/kubernetes-bootcamp --timeout=120s", 150_000);
    const url = (await ok("minikube service kubernetes-bootcamp --url")).trim();
    const v1 = await until("bootcamp v1 to answer", async () => {
      const r = await sh(`curl -s -m 5 ${url}`);
      return r.out.includes("Hello Kubernetes bootcamp!") && r.out;
    });
    expect(v1).toMatch(/^Hello Kubernetes bootcamp! \| Running on: kubernetes-bootcamp-[a-z0-9]+-[a-z0-9]{5} \| v=1\n$/);
    expect(await ok("kubectl logs deploy/kubernetes-bootcamp")).toMatch(/Kubernetes Bootcamp App Started At: .* \| Running On: kubernetes-bootcamp-/);
    await ok("kubectl set image deployments/kubernetes-bootcamp kubernetes-bootcamp=jocatalin/kubernetes-bootcamp:v2 && kubectl rollout status deployments/kubernetes-bootcamp --timeout=120s", 150_000);
    const v2 = await until("bootcamp v2 to answer", async () => {
      const r = await sh(`curl -s -m 5 ${url}`);
      return r.out.includes("v=2") && r.out;
    });
    expect(v2).toMatch(/^Hello Kubernetes bootcamp! \| Running on: kubernetes-bootcamp-[a-z0-9]+-[a-z0-9]{5} \| v=2\n$/);
  });

  it("runs lesson 10's node-hello on 8080, and debian:bookworm is Debian 12", async () => {
    await ok("kubectl create deployment hello-node --image=gcr.io/google-samples/node-hello:1.0 --port=8080 && kubectl rollout status deployment/hello-node --timeout=120s", 150_000);
    const ip = (await ok("kubectl get pods -l app=hello-node -o jsonpath='{.items[0].status.podIP}'")).trim();
    expect(await ok(`curl -s -m 5 http://${ip}:8080/`)).toBe("Hello Kubernetes!");
    expect(await ok("kubectl logs deploy/hello-node")).toContain("Received request for URL: /");
    await ok("kubectl run deb --image=debian:bookworm --restart=Never -- cat /etc/debian_version");
    const version = await until("the debian pod's output", async () => {
      const phase = (await ok("kubectl get pod deb -o jsonpath='{.status.phase}'")).trim();
      return phase === "Succeeded" || phase === "Failed" ? ok("kubectl logs deb") : false;
    });
    expect(version.trim()).toMatch(/^12\.\d+$/);
  });
});

describe("storage in a node lab (the default StorageClass standard, as on minikube)", () => {
  const phaseOf = async (pod: string) => (await ok(`kubectl get pod ${pod} -o jsonpath='{.status.phase}'`)).trim();
  const finished = (pod: string) =>
    until(`pod ${pod} to finish`, async () => {
      const phase = await phaseOf(pod);
      return phase === "Succeeded" || phase === "Failed" ? phase : false;
    });

  it("binds a claim to a volume of the provisioner; a file a pod wrote there is read by the next pod", async () => {
    const classes = JSON.parse(await ok("kubectl get storageclass -o json"));
    const standard = classes.items.find((c: { metadata: { name: string } }) => c.metadata.name === "standard");
    expect(standard?.provisioner).toBe("k8s.io/minikube-hostpath");
    expect(standard?.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"]).toBe("true");
    // No storageClassName: the default class is filled in, and the claim binds at once.
    await ok(`cat <<'EOF' | kubectl apply -f -
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: notes}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 10Mi}}
EOF`);
    await until("the claim to be Bound", async () => (await ok("kubectl get pvc notes -o jsonpath='{.status.phase}'")).trim() === "Bound");
    const pvName = (await ok("kubectl get pvc notes -o jsonpath='{.spec.volumeName}'")).trim();
    const pv = JSON.parse(await ok(`kubectl get pv ${pvName} -o json`));
    expect(pv.spec.hostPath.path).toBe("/tmp/hostpath-provisioner/default/notes");
    expect(pv.spec.storageClassName).toBe("standard");
    expect(pv.spec.persistentVolumeReclaimPolicy).toBe("Delete");
    const volumePod = (name: string, command: string) => `cat <<'EOF' | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: busybox:1.36
    command: ["sh", "-c", ${JSON.stringify(command)}]
    volumeMounts: [{name: notes, mountPath: /data}]
  volumes: [{name: notes, persistentVolumeClaim: {claimName: notes}}]
EOF`;
    await ok(volumePod("note-writer", "echo written by $(hostname) > /data/note"));
    expect(await finished("note-writer")).toBe("Succeeded");
    await ok("kubectl delete pod note-writer");
    await ok(volumePod("note-reader", "cat /data/note"));
    expect(await finished("note-reader")).toBe("Succeeded");
    expect((await ok("kubectl logs note-reader")).trim()).toBe("written by note-writer");
    // The volumes' directory is root's: the learner's shell cannot read it or plant a link in it.
    expect((await sh("ls /tmp/hostpath-provisioner/default")).code).not.toBe(0);
    // Deleting the claim deletes the volume and its directory (reclaim policy Delete).
    await ok("kubectl delete pod note-reader && kubectl delete pvc notes");
    await until("the volume to go", async () => (await sh(`kubectl get pv ${pvName}`)).code !== 0);
    const left = await node.provider.exec(node.lab, ["test", "-e", "/tmp/hostpath-provisioner/default/notes"], { user: "root" });
    expect(left.exitCode).not.toBe(0);
  });

  it("gives each replica of a StatefulSet its own bound claim, which outlives the pod", async () => {
    await ok(`cat <<'EOF' | kubectl apply -f -
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: store}
spec:
  serviceName: store
  replicas: 2
  selector: {matchLabels: {app: store}}
  template:
    metadata: {labels: {app: store}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: main
        image: busybox:1.36
        # The first incarnation of each pod writes a token; later ones only keep it.
        command: ["sh", "-c", "[ -f /data/token ] || echo $(hostname)-$(cat /proc/sys/kernel/random/uuid) > /data/token; exec sleep 3600"]
        volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 5Mi}}
EOF
kubectl rollout status statefulset/store --timeout=150s`, 180_000);
    const phases = (await ok("kubectl get pvc data-store-0 data-store-1 -o jsonpath='{.items[*].status.phase}'")).trim();
    expect(phases).toBe("Bound Bound");
    const before = (await ok("kubectl exec store-0 -- cat /data/token")).trim();
    expect(before).toMatch(/^store-0-[0-9a-f-]{36}$/);
    expect((await ok("kubectl exec store-1 -- cat /data/token")).trim()).not.toBe(before);
    await ok("kubectl delete pod store-0 && kubectl rollout status statefulset/store --timeout=150s", 180_000);
    await until("store-0 back and Ready", async () =>
      (await ok("kubectl get pod store-0 -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}'")).trim() === "True");
    expect((await ok("kubectl exec store-0 -- cat /data/token")).trim()).toBe(before);
  });
});

describe("a node lab after minikube delete (the lab's reset)", () => {
  it("stops the pods' processes with minikube stop, as a node powering off, and minikube start runs them again", async () => {
    const rootSh = async (cmd: string) => node.provider.exec(node.lab, ["bash", "-c", cmd], { user: "root" });
    const keeperRuns = async () => (await rootSh("pgrep -fx 'sleep 3601'")).exitCode === 0;
    await ok("kubectl create deployment keeper --image=busybox:1.36 -- sleep 3601");
    await ok("kubectl rollout status deployment/keeper --timeout=120s", 150_000);
    expect(await keeperRuns()).toBe(true);
    expect(await ok("minikube stop", 150_000)).toMatch(/1 node stopped/);
    expect(await sh("minikube status")).toMatchObject({ code: 7 });
    // Nothing of the node runs on: not the kubelet, not containerd, not the learner's pod.
    for (const proc of ["-x kubelet", "-x containerd", "-fx 'sleep 3601'"]) {
      expect((await rootSh(`pgrep ${proc}`)).exitCode, proc).not.toBe(0);
    }
    expect(await ok("minikube start", 180_000)).toMatch(/Done!/);
    // (The pod's status still says ready from before the stop until the kubelet reports
    // again: the process is what shows the pod really runs.)
    await until("the keeper's process running again", keeperRuns);
    await until("the keeper pod ready", async () =>
      (await ok("kubectl get pods -l app=keeper -o jsonpath='{.items[*].status.containerStatuses[*].ready}'")).trim() === "true",
    );
  });

  it("resets a stopped node lab with minikube delete: started first, then reset, every Service working", async () => {
    expect(await ok("minikube stop", 150_000)).toMatch(/1 node stopped/);
    expect(await ok("minikube delete", 180_000)).toMatch(/running again/);
    expect((await ok("kubectl get deployments -o name")).trim()).toBe("");
    // kube-proxy's rules work: the apiserver's ClusterIP answers from the node, and CoreDNS
    // (which reaches the apiserver through it) is ready.
    await until("the kubernetes Service's ClusterIP answering", async () => (await sh("curl -sk -m 3 https://10.96.0.1/readyz")).out === "ok");
    await until("CoreDNS ready", async () =>
      (await ok("kubectl -n kube-system get pods -l k8s-app=kube-dns -o jsonpath='{.items[*].status.containerStatuses[*].ready}'")).trim() === "true",
    );
  });

  it("has none of the learner's pods, Services or containers left, and the node and DNS still work", async () => {
    // What the grader records of lesson setups that ran (kube-system/kubelab-setup): a reset
    // must forget it, or a lesson's setups would not run again on the clean cluster.
    const made = await node.provider.exec(node.lab, ["/usr/local/bin/kubectl", "create", "configmap", "-n", "kube-system", "kubelab-setup", "--from-literal=lesson.exercise=ran"], { user: "grader" });
    expect(made.exitCode, made.stderr).toBe(0);
    expect(await ok("minikube delete", 150_000)).toMatch(/running again/);
    const record = await node.provider.exec(node.lab, ["/usr/local/bin/kubectl", "get", "configmap", "-n", "kube-system", "kubelab-setup", "-o", "name", "--ignore-not-found"], { user: "grader" });
    expect(record.exitCode, record.stderr).toBe(0);
    expect(record.stdout.trim()).toBe("");
    expect((await ok("kubectl get deployments,services,configmaps -o name")).trim().split("\n").sort()).toEqual(["configmap/kube-root-ca.crt", "service/kubernetes"]);
    // The kubelet stops what the reset deleted: only the sandbox of CoreDNS and its container stay.
    await until("the learner's containers to stop", async () => {
      const r = await node.provider.exec(node.lab, ["crictl", "--runtime-endpoint", "unix:///run/containerd/containerd.sock", "ps", "-q"], { user: "root" });
      return r.stdout.trim().split("\n").filter(Boolean).length === 1;
    });
    expect((await ok("kubectl get node minikube -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}'")).trim()).toBe("True");
    await ok("kubectl run after --image=busybox:1.36 --restart=Never -- nslookup kubernetes.default.svc.cluster.local");
    const answer = await until("the lookup after the reset", async () => {
      const phase = (await ok("kubectl get pod after -o jsonpath='{.status.phase}'")).trim();
      return phase === "Succeeded" || phase === "Failed" ? ok("kubectl logs after") : false;
    });
    expect(answer).toMatch(/Address:\s+10\.96\.0\.1/);
  });
});

describe("the node profile's opt-in", () => {
  it("is refused with a clear reason when the operator has not opted in", async () => {
    const closed = new DockerProvider({ installationId: node.installationId, version: "it" });
    await expect(closed.start({ sandboxId: "node-refused", profile: "node", ownerId: null })).rejects.toThrow(ProfileUnavailableError);
    await expect(closed.start({ sandboxId: "node-refused", profile: "node", ownerId: null })).rejects.toThrow(/KUBELAB_NODE_LABS=unsafe-sys-admin/);
    expect((await closed.list()).filter((l) => l.sandboxId === "node-refused")).toEqual([]);
    closed.close();
  });
});
