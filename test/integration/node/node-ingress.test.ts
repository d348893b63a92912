// minikube's `ingress` addon in a node lab, as the learner: `minikube addons enable ingress`
// starts a real controller pod (Traefik with its Ingress NGINX provider, image traefik:v3.7 of
// the offline catalogue) under minikube's names, which routes requests by host and path on the
// node's address, writes that address into each Ingress's status, and goes away with
// `minikube addons disable ingress`. The learner may change nothing in its namespace (it is
// exempt from Pod Security for the controller's hostPorts). One lab start for the whole file.
import { describe, expect, it } from "vitest";
import { useNodeLab } from "../../support/node-lab";
import { waitFor } from "../../support/until";

const node = useNodeLab("node-ingress-it");
const { sh, ok } = node;

/** curl as the lesson teaches it: the host resolved to the node's address, port 80. */
const curlHost = (host: string, path: string, extra = "") =>
  sh(`curl -s -m 5 ${extra} --resolve "${host}:80:$(minikube ip)" "http://${host}${path}"`);

/** Waits until a request through the controller answers with `want` (the controller takes a rule within seconds). */
async function untilAnswer(host: string, path: string, want: RegExp, extra = ""): Promise<string> {
  let last = "";
  return waitFor(`http://${host}${path} to answer ${want}`, async () => {
    last = (await curlHost(host, path, extra)).out;
    return want.test(last) && last;
  }, { timeoutMs: 90_000, intervalMs: 1_000 }).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}; last answer: ${last}`);
  });
}

const SHOP = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /api
        pathType: Prefix
        backend:
          service:
            name: api
            port:
              number: 5678
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80`;

describe("the ingress addon in a node lab", () => {
  it("is off until enabled; enabling starts the controller pod under minikube's names", async () => {
    expect(await ok("minikube addons list")).toMatch(/ingress\s*\|\s*minikube\s*\|\s*disabled/);
    const on = await ok("minikube addons enable ingress", 180_000);
    expect(on).toContain("The 'ingress' addon is enabled");
    expect(on).toContain("traefik:v3.7");
    expect(await ok("kubectl get pods -n ingress-nginx --no-headers")).toMatch(/^ingress-nginx-controller-\S+\s+1\/1\s+Running\s/m);
    expect(await ok("kubectl get ingressclass --no-headers")).toMatch(/^nginx \(default\)\s+k8s\.io\/ingress-nginx\s/m);
    expect(await ok("kubectl get svc -n ingress-nginx ingress-nginx-controller -o jsonpath='{.spec.type} {.spec.ports[*].port}'")).toBe("NodePort 80 443");
    expect(await ok("minikube addons list")).toMatch(/ingress\s*\|\s*minikube\s*\|\s*enabled ✅/);
  }, 240_000);

  it("routes by path and by host on the node's address, and answers 404 for a host no rule names", async () => {
    await ok(
      `kubectl create deployment web --image=nginx:1.27 && kubectl expose deployment web --port=80
kubectl create deployment api --image=hashicorp/http-echo:1.0 -- /http-echo -text="hello from api" && kubectl expose deployment api --port=5678
kubectl create deployment blog --image=httpd:2.4 && kubectl expose deployment blog --port=80
kubectl rollout status deployment/web --timeout=120s && kubectl rollout status deployment/api --timeout=120s && kubectl rollout status deployment/blog --timeout=120s
cat <<'EOF' | kubectl apply -f -
${SHOP}
EOF
kubectl create ingress sites --class=nginx --rule="blog.example.com/*=blog:80" --rule="www.example.com/*=web:80"`,
      180_000,
    );
    // The longest matching path wins: /api/cart goes to api, / and /apis to web.
    expect((await untilAnswer("shop.example.com", "/api/cart", /hello from api/)).trim()).toBe("hello from api");
    expect(await untilAnswer("shop.example.com", "/", /Welcome to nginx!/)).toContain("<title>Welcome to nginx!</title>");
    expect(await untilAnswer("shop.example.com", "/apis", /<title>404 Not Found<\/title>|404/)).toMatch(/404 Not Found/);
    // By host: the same address and port, another Service.
    expect(await untilAnswer("blog.example.com", "/", /It works!/)).toContain("It works!");
    expect(await untilAnswer("www.example.com", "/", /Welcome to nginx!/)).toContain("Welcome to nginx!");
    // The Host header alone does the same as --resolve.
    expect((await ok(`curl -s -m 5 -H "Host: shop.example.com" "http://$(minikube ip)/api"`)).trim()).toBe("hello from api");
    // A host no rule names: the controller's own 404.
    const unknown = await sh(`curl -s -m 5 -o /dev/null -w '%{http_code}' --resolve "unknown.example.com:80:$(minikube ip)" http://unknown.example.com/`);
    expect(unknown.out).toBe("404");
  }, 300_000);

  it("writes the node's address into each Ingress it takes, as kubectl get ingress shows", async () => {
    const ip = (await ok("minikube ip")).trim();
    const address = await waitFor("the shop Ingress's address", async () => {
      const a = (await sh("kubectl get ingress shop -o jsonpath='{.status.loadBalancer.ingress[0].ip}'")).out.trim();
      return a !== "" && a;
    }, { timeoutMs: 60_000 });
    expect(address).toBe(ip);
    expect(await ok("kubectl get ingress shop --no-headers")).toMatch(new RegExp(`^shop\\s+nginx\\s+shop\\.example\\.com\\s+${ip.replaceAll(".", "\\.")}\\s+80\\s`));
    // describe shows each rule's Service and its endpoints, the pods the requests reach.
    expect(await ok("kubectl describe ingress shop")).toMatch(/\/api\s+api:5678 \(10\.244\.\d+\.\d+:5678\)/);
  });

  it("leaves the learner nothing to change in the controller's namespace", async () => {
    const pod = (await ok("kubectl get pods -n ingress-nginx -o jsonpath='{.items[0].metadata.name}'")).trim();
    for (const command of [
      `kubectl delete pod -n ingress-nginx ${pod}`,
      `kubectl exec -n ingress-nginx ${pod} -- id`,
      "kubectl -n ingress-nginx run sneaky --image=busybox:1.36 -- sleep 1",
      "kubectl -n ingress-nginx set image deployment/ingress-nginx-controller controller=busybox:1.36",
    ]) {
      const r = await sh(command);
      expect(r.code, command).not.toBe(0);
      expect(r.out, command).toContain("ingress-nginx belongs to the cluster itself");
    }
    // Reading is fine: the controller's logs, as `kubectl logs` shows them.
    await ok(`kubectl logs -n ingress-nginx ${pod}`);
  });

  it("logs the requests it routes and nothing our set-up got wrong", async () => {
    await curlHost("shop.example.com", "/api/from-the-test");
    const logs = await waitFor("the access log line", async () => {
      const out = await ok("kubectl logs -n ingress-nginx deployment/ingress-nginx-controller");
      return out.includes("/api/from-the-test") && out;
    }, { timeoutMs: 30_000 });
    // Traefik's level words: WRN, ERR, FTL (an access log line has none of them).
    expect(logs.split("\n").filter((l) => / (WRN|ERR|FTL|PNC) /.test(l))).toEqual([]);
  });

  it("disabling removes the controller, and enabling again brings routing back", async () => {
    expect(await ok("minikube addons disable ingress", 180_000)).toContain("The 'ingress' addon is disabled");
    expect((await sh("kubectl get namespace ingress-nginx")).code).not.toBe(0);
    expect((await sh("kubectl get ingressclass nginx")).code).not.toBe(0);
    expect(await ok("minikube addons list")).toMatch(/ingress\s*\|\s*minikube\s*\|\s*disabled/);
    // Nothing listens on the node's port 80 any more (curl: 7, connection refused).
    expect((await curlHost("shop.example.com", "/api")).code).toBe(7);
    // The learner's Ingresses stay, as on minikube; enabled again, the new controller takes them.
    expect(await ok("minikube addons enable ingress", 180_000)).toContain("The 'ingress' addon is enabled");
    expect((await untilAnswer("shop.example.com", "/api", /hello from api/)).trim()).toBe("hello from api");
  }, 400_000);
});
