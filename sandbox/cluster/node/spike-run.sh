#!/usr/bin/env bash
# Spike of profile `node`, run on the Docker host: starts one lab container from the derived
# image (build-spike-image.sh) with the flags a nested container runtime needs, waits for the
# lab's control plane, runs kubelab-node-up inside, then proves a pod really runs (logs, exec)
# and prints timings and memory. Removes its container and volume at the end unless
# KEEP=1 (then remove them with: docker rm -f NAME; docker volume rm NAME-containerd).
#
# Usage: spike-run.sh IMAGE [NAME]
# Env:   KEEP=1, KUBELAB_NODE_SPIKE_FLAGS="..." (replace the default extra docker run flags,
#        to find out which are needed)
set -euo pipefail

image="${1:?usage: $0 IMAGE [NAME]}"
name="${2:-kubelab-node-spike-$$}"
vol="$name-containerd"
log() { printf '[spike %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

cleanup() {
  if [[ "${KEEP:-0}" == 1 ]]; then log "kept $name and volume $vol"; return; fi
  docker rm -f "$name" >/dev/null 2>&1 || true
  docker volume rm "$vol" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# The narrowest set that worked here (see README.md for what fails without each part):
#  - capabilities: the 14 of a pod's default set (runc cannot grant a pod a capability the
#    lab's bounding set lacks) + SYS_ADMIN (mounts, namespaces) + NET_ADMIN (bridge, veth) +
#    SYS_PTRACE (runc opens the new container's /proc/PID/ns/mnt). Not SYS_RESOURCE, which
#    this host's root lacks (so --privileged fails).
#  - seccomp unconfined: Docker's default profile blocks keyctl (runc's session keyring);
#    apparmor unconfined: docker-default denies mount (no-op on hosts without AppArmor).
#  - a private cgroup namespace: fresh cgroup mounts then show the lab's cgroup as root
#    (with the host's namespace, the kubelet makes /kubepods in the HOST's root cgroups).
#  - /run on a tmpfs with exec; a volume for /var/lib/containerd (overlayfs cannot stack on
#    Docker's overlay2); net.ipv4.ip_forward=1 in the lab's own network namespace.
caps=(CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE
  SYS_CHROOT KILL AUDIT_WRITE SYS_ADMIN NET_ADMIN SYS_PTRACE)
default_flags="--cap-drop ALL $(printf -- '--cap-add %s ' "${caps[@]}")--security-opt seccomp=unconfined --security-opt apparmor=unconfined --cgroupns=private --sysctl net.ipv4.ip_forward=1"
read -r -a flags <<<"${KUBELAB_NODE_SPIKE_FLAGS:-$default_flags}"

docker volume create "$vol" >/dev/null
t_start=$(now_ms)
docker run -d --name "$name" --hostname minikube --network none \
  --memory 1536m --memory-swap 1536m --pids-limit 2048 \
  --tmpfs /run:rw,exec,nosuid,size=64m --tmpfs /tmp:rw,nosuid,nodev,size=64m \
  -v "$vol:/var/lib/containerd" \
  --label org.kubelab.spike=node \
  "${flags[@]}" "$image" >/dev/null
log "container $name started with: ${flags[*]}"
for _ in $(seq 600); do
  docker exec "$name" test -e /run/kubelab/ready 2>/dev/null && break
  sleep 0.1
done
docker exec "$name" test -e /run/kubelab/ready || { docker logs --tail 30 "$name" >&2; exit 1; }
t_cp=$(now_ms)
log "control plane ready after $((t_cp - t_start)) ms"

docker exec "$name" kubelab-node-up
t_node=$(now_ms)
log "node Ready after $((t_node - t_start)) ms (node-up took $((t_node - t_cp)) ms)"

k() { docker exec -i "$name" kubectl --kubeconfig /var/lib/kubelab/kubeconfig/admin.conf "$@"; }
k apply -f - <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: hello, namespace: default}
spec:
  nodeName: spike
  containers:
  - name: hello
    image: busybox:1.36
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "echo hello from a real container; i=0; while true; do i=$((i+1)); echo tick $i; sleep 2; done"]
EOF
k wait --for=condition=Ready pod/hello --timeout=120s || { k describe pod hello >&2; docker exec "$name" tail -n 40 /var/log/kubelab/kubelet.log >&2; exit 1; }
t_pod=$(now_ms)
log "first pod Running after $((t_pod - t_start)) ms from docker run ($((t_pod - t_node)) ms after node Ready)"
k get pod hello -o wide
log "kubectl logs:"; k logs hello | head -3
log "kubectl exec:"; k exec hello -- sh -c 'echo "pid 1 is $(cat /proc/1/comm), hostname $(hostname), ip $(ip -4 -o addr show eth0 | awk "{print \$4}")"; id'
docker exec "$name" crictl --runtime-endpoint unix:///run/containerd/containerd.sock ps >&2 || true

sleep "${SETTLE:-20}"
log "memory after ${SETTLE:-20}s idle (one pod):"
docker stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.CPUPerc}}' "$name"
docker exec "$name" sh -c 'ps -eo rss=,comm= | sort -rn | head -12'
