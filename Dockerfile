FROM node:6.9.2
EXPOSE 8080
COPY server.js .
CMD node server.js
EOF`);
    expect(await ok(`cd ~/hello-node && eval $(minikube docker-env) && docker build -t ${v1} .`, 300_000)).toContain(`Successfully tagged ${v1}`);
    // `docker run -d -p 8080:8080` has no Docker daemon to run on here, and says so.
    const run = await sh(`docker run -d -p 8080:8080 ${v1}`);
    expect(run.code).not.toBe(0);
    expect(run.out).toContain("kubectl run");

    expect(await ok(`kubectl create deployment hello-node --image=${v1} --port=8080`)).toContain("deployment.apps/hello-node created");
    await ok("kubectl rollout status deployment/hello-node --timeout=120s", 150_000);
    expect(await ok("kubectl get deployments")).toMatch(/hello-node\s+1\/1\s+1\s+1\s/);
    const pod = (await ok("kubectl get pods -l app=hello-node -o jsonpath='{.items[0].metadata.name}'")).trim();
    expect(await ok("kubectl get pods")).toMatch(new RegExp(`${pod}\\s+1/1\\s+Running\\s+0\\s`));
    const info = await ok("kubectl cluster-info");
    expect(info).toMatch(/Kubernetes control plane is running at https:\/\/\S+/);
    expect(info).toMatch(/CoreDNS is running at https:\/\/\S+/);
    expect(await ok("kubectl config view")).toMatch(/current-context: minikube/);
    const events = await ok("kubectl events");
    expect(events).toMatch(new RegExp(`Successfully assigned default/${pod} to minikube`));
    expect(events).toMatch(/Started container hello-node/);

    expect(await ok('kubectl expose deployment hello-node --type="LoadBalancer"')).toContain("service/hello-node exposed");
    expect(await ok("kubectl get services")).toMatch(/hello-node\s+LoadBalancer\s+10\.\S+\s+<pending>\s+8080:3\d{4}\/TCP/);
    const url = (await ok("minikube service hello-node --url")).trim();
    expect(await until("hello-node over its NodePort", () => curl(url))).toBe("Hello World!");
    expect(await ok(`kubectl logs ${pod}`)).toContain("Received request for URL: /");
    // The article's external IP: on minikube, `minikube tunnel` gives it, and it answers.
    const tunnelled = await beside(
      "minikube tunnel",
      "for i in $(seq 60); do ip=$(kubectl get svc hello-node -o jsonpath='{.status.loadBalancer.ingress[0].ip}'); [ -n \"$ip\" ] && break; sleep 0.5; done; kubectl get services hello-node; curl -s -m 5 http://$ip:8080/; echo",
    );
    expect(tunnelled).toMatch(/hello-node\s+LoadBalancer\s+(10\.\S+)\s+\1\s+8080:3\d{4}\/TCP/);
    expect(tunnelled).toMatch(/^Hello World!$/m);
    expect(tunnelled).toContain("Starting tunnel for service hello-node.");

    // Scale out: four replicas, and the Service spreads requests over them.
    expect(await ok("kubectl scale deployment hello-node --replicas=4")).toContain("deployment.apps/hello-node scaled");
    await ok("kubectl rollout status deployment/hello-node --timeout=120s", 150_000);
    expect(await ok("kubectl get deployment")).toMatch(/hello-node\s+4\/4\s+4\s+4\s/);
    expect((await ok("kubectl get pods -l app=hello-node --no-headers")).match(/\s1\/1\s+Running\s/g)).toHaveLength(4);
    await ok(`for i in $(seq 30); do curl -s -m 5 ${url} >/dev/null; done`);
    const served = await ok("kubectl logs -l app=hello-node --prefix --tail=-1");
    expect(new Set(served.match(/^\[pod\/hello-node-\S+/gm)).size).toBeGreaterThan(1);

    // Version 2: the code changes, a new image is built, and the Deployment rolls over to it
    // with no downtime (the article edits the Deployment's image).
    await ok("cd ~/hello-node && sed -i \"s/response.end('Hello World!');/response.end('Hello Kubernetes World!');/\" server.js");
    expect(await ok(`cd ~/hello-node && docker build -t ${v2} .`, 300_000)).toContain(`Successfully tagged ${v2}`);
    expect(await ok(`kubectl set image deployment/hello-node hello-node=${v2}`)).toContain("deployment.apps/hello-node image updated");
    expect(await ok("kubectl rollout status deployment/hello-node --timeout=180s", 200_000)).toContain('deployment "hello-node" successfully rolled out');
    expect(await until("version 2 answering", async () => {
      const body = await curl(url);
      return body === "Hello Kubernetes World!" && body;
    })).toBe("Hello Kubernetes World!");
    expect(await ok("kubectl rollout history deployment/hello-node")).toMatch(/^1\s+<none>\n2\s+<none>$/m);

    // kubectl proxy: the API and the Service through the API server, on the lab's localhost.
    const proxied = await beside(
      "kubectl proxy --port 8081",
      "for i in $(seq 50); do curl -s -m 2 http://localhost:8081/version >/dev/null && break; sleep 0.2; done; " +
        "curl -s 'http://localhost:8081/api/v1/namespaces/default/pods?labelSelector=app%3Dhello-node' | jq -r '[.items[] | select(.metadata.deletionTimestamp == null)] | length'; " +
        "curl -s http://localhost:8081/api/v1/namespaces/default/services/hello-node:8080/proxy/; echo",
    );
    expect(proxied).toMatch(/^4$/m);
    expect(proxied).toMatch(/^Hello Kubernetes World!$/m);
    expect(proxied).toContain("Starting to serve on 127.0.0.1:8081");

    // Scale in.
    expect(await ok("kubectl scale deployment hello-node --replicas=1")).toContain("deployment.apps/hello-node scaled");
    await until("one hello-node pod left", async () => {
      const names = (await ok("kubectl get pods -l app=hello-node -o jsonpath='{.items[*].metadata.name}'")).trim();
      return names.split(/\s+/).filter(Boolean).length === 1;
    });
    expect(await ok("kubectl get deployment hello-node")).toMatch(/hello-node\s+1\/1\s+1\s+1\s/);
    await ok("kubectl delete service,deployment hello-node --wait=false");
  }, 900_000);

'''+s[b:]
open(p,'w').write(s)
