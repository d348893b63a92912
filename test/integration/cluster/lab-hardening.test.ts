// Issue 12 items 8 and 6, the lab's part, each a real attempt made as the learner:
//  - per-lab PKI: two labs have different cluster CAs, one lab's client certificate is
//    refused by another lab's API server, and the image holds no private key at all (on the
//    code of the date every lab shared one CA and one learner certificate, and the
//    CA key was in the image);
//  - sudo with a pinned secure_path: binaries the learner plants first in PATH are not run
//    by the sudo'd `kubelab-cluster reset` (Debian's /etc/sudoers already pins one; the lab's
//    own rule now does too, so the lab does not depend on that default);
//  - component logs cannot fill the disk: a learner who makes the API server log a line per
//    request (a webhook that cannot be called, failing open) sees its log rotated at the cap.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Lab, LAB_IMAGE, preflight } from "./lab";

const run = promisify(execFile);
const LOG_CAP = 256 * 1024;
let a: Lab;
let b: Lab;

beforeAll(async () => {
  [a, b] = await Promise.all([Lab.start(), Lab.start({ env: { KUBELAB_LOG_MAX_BYTES: String(LOG_CAP) } })]);
});

afterAll(async () => {
  await Promise.all([a?.remove(), b?.remove()]);
});

const caOf = async (lab: Lab) => (await lab.ok("kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}'")).trim();

describe("each lab has its own PKI", () => {
  it("gives two labs different CAs, and one lab's client certificate is refused by the other's API server", async () => {
    const [caA, caB] = await Promise.all([caOf(a), caOf(b)]);
    expect(caA).not.toBe("");
    expect(caA).not.toBe(caB);

    // The learner of lab A takes their certificate and key to lab B.
    const cert = (await a.ok("kubectl config view --raw --minify -o jsonpath='{.users[0].user.client-certificate-data}'")).trim();
    const key = (await a.ok("kubectl config view --raw --minify -o jsonpath='{.users[0].user.client-key-data}'")).trim();
    const tryIt = `cd /tmp && echo "$A_CERT" | base64 -d > a.crt && echo "$A_KEY" | base64 -d > a.key &&
      curl -sk -o /dev/null -w '%{http_code}' --cert a.crt --key a.key https://127.0.0.1:8443/api/v1/namespaces`;
    const refused = await b.ok(tryIt, { env: { A_CERT: cert, A_KEY: key } });
    expect(refused).toBe("401");
    // B's own certificate works the same way, so the 401 is about the certificate's CA.
    const own = await b.ok(`cd /tmp && kubectl config view --raw --minify -o jsonpath='{.users[0].user.client-certificate-data}' | base64 -d > b.crt &&
      kubectl config view --raw --minify -o jsonpath='{.users[0].user.client-key-data}' | base64 -d > b.key &&
      curl -sk -o /dev/null -w '%{http_code}' --cert b.crt --key b.key https://127.0.0.1:8443/api/v1/namespaces`);
    expect(own).toBe("200");
  });

  it("keeps no private key in the image", async () => {
    await preflight();
    const { stdout } = await run("docker", [
      "run", "--rm", "--network", "none", "--user", "root", "--entrypoint", "/bin/sh", LAB_IMAGE, "-c",
      "ls /var/lib/kubelab; grep -rlIE -e '-----BEGIN [A-Z ]*PRIVATE KEY-----' -e 'client-key-data: *[A-Za-z0-9+/=]{20}' / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev 2>/dev/null; true",
    ], { maxBuffer: 8 * 1024 * 1024 });
    const lines = stdout.trim().split("\n");
    expect(lines).not.toContain("pki");
    expect(lines.filter((l) => l.startsWith("/"))).toEqual([]);
  });
});

describe("sudo in the lab", () => {
  it("does not run binaries the learner plants first in PATH", async () => {
    // The home is noexec, but symlinks to real binaries run. If sudo kept this PATH, the
    // supervisor client's `mkfifo -m 0600 <fifo>` would be `touch -m 0600 <fifo>` and leave
    // a file named 0600 in the working directory; `cat` and `rm` would be `true`.
    const r = await a.sh(
      `mkdir -p ~/bin && ln -sf /usr/bin/touch ~/bin/mkfifo && ln -sf /bin/true ~/bin/cat && ln -sf /bin/true ~/bin/rm &&
       cd ~ && PATH="$HOME/bin:$PATH" sudo -n /usr/local/sbin/kubelab-cluster reset; echo "rc=$?"; ls ~`,
      { timeoutMs: 120_000 },
    );
    expect(r.stdout).toMatch(/rc=0/);
    expect(r.stdout).not.toMatch(/^0600$/m);
    // sudo -l prints the colons escaped.
    const defaults = (await a.ok("sudo -n -l")).replace(/\\:/g, ":");
    expect(defaults).toMatch(/secure_path=\/usr\/local\/sbin:\/usr\/local\/bin:\/usr\/sbin:\/usr\/bin:\/sbin:\/bin, !setenv/);
  });
});

describe("component logs", () => {
  it("rotates a log that a learner makes grow, keeping each component's logs near the cap", async () => {
    // A webhook that cannot be reached, failing open: the API server logs a few lines for
    // every ConfigMap write. One curl, one connection, 2,000 writes.
    await b.ok(`cat <<'EOF' | kubectl apply -f - >/dev/null
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: noisy}
webhooks:
- name: noisy.example.com
  clientConfig: {url: "https://127.0.0.1:1/"}
  rules: [{operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["configmaps"]}]
  failurePolicy: Ignore
  sideEffects: None
  admissionReviewVersions: ["v1"]
  timeoutSeconds: 1
EOF
      cd /tmp && kubectl config view --raw --minify -o jsonpath='{.users[0].user.client-certificate-data}' | base64 -d > c.crt &&
      kubectl config view --raw --minify -o jsonpath='{.users[0].user.client-key-data}' | base64 -d > c.key &&
      urls=$(for i in $(seq 2000); do printf 'https://127.0.0.1:8443/api/v1/namespaces/default/configmaps '; done) &&
      curl -sk --cert c.crt --key c.key -H 'Content-Type: application/json' -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"noise-"}}' $urls >/dev/null`,
    { timeoutMs: 200_000 });
    // The supervisor looks every few seconds: once the flood is over, the live log is back
    // under the cap and one older part is kept, nothing more.
    const sizes = await b.waitFor("the API server's log to be rotated and back under the cap", async () => {
      const out = await b.ok("stat -c '%s %n' /var/log/kubelab/kube-apiserver.log*");
      const live = Number(/^(\d+) \/var\/log\/kubelab\/kube-apiserver\.log$/m.exec(out)?.[1] ?? Infinity);
      return /kube-apiserver\.log\.1$/m.test(out) && live <= LOG_CAP ? out : false;
    }, { timeoutMs: 60_000 });
    expect(sizes.trim().split("\n")).toHaveLength(2);
    expect(await b.ok("tail -c 300 /var/log/kubelab/kube-apiserver.log.1")).toMatch(/noisy\.example\.com/);
    // The cluster is fine.
    await b.waitReady(60_000);
  });
});
