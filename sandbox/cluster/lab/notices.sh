# notices.sh — what the lab says when a learner reaches for something its simulated node
# does not have: a container's logs, exec/attach/cp, port-forward (kubelet-notice answers
# those for the node), and curl to a Service, pod or node address (learner-shell.bash).
# Sourced by kubelet-notice and sim-notice; defines functions only.
#
# Each notice is written for the learner, in their language (Korean or English), says what
# to do next, and names nothing of the lab's machinery. It is word-wrapped to the learner's
# terminal width when known (Hangul counts two columns); lines that start with two spaces
# are commands and are never broken.
#
#   notice_text <lang ko|en> <topic> [args...]   the text, one paragraph per line
#   notice_wrap <width> [first]                  wraps stdin (0 = leave to the terminal);
#                                                the first line leaves <first> columns free
#                                                for what the caller prints before it
#   notice_lang <LANG value>                     ko or en
#   notice_render <lang> <width> <first> <topic> [args]  both

notice_lang() {
  case "${1:-}" in ko|ko_*|ko-*|ko.*) echo ko ;; *) echo en ;; esac
}

# Needs a UTF-8 locale, so that ${#word} counts characters, not bytes.
notice_wrap() {
  local - width="${1:-0}" used="${2:-0}" line word out len wl wide
  set -f
  # The caller's prefix (kubectl's own words) is wrapped by the terminal: what counts is
  # where its last row ends. A first word that does not fit there goes there all the same
  # (a leading line break would be trimmed by kubectl); every later line fits.
  ((width > 0)) && used=$((used % width))
  while IFS= read -r line || [[ -n "$line" ]]; do
    if ((width < 20)) || [[ "$line" == "  "* ]] || [[ -z "$line" ]]; then
      printf '%s\n' "$line"; continue
    fi
    out="" len=$used
    used=0
    for word in $line; do
      # Display width: characters, plus one more for each wide (Hangul, CJK) one.
      wide="${word//[!가-힣ㄱ-ㅎㅏ-ㅣ一-鿿　-〿＀-｠]/}"
      wl=$(( ${#word} + ${#wide} ))
      if [[ -n "$out" ]] && ((len + 1 + wl > width)); then
        printf '%s\n' "$out"; out="$word"; len=$wl
      elif [[ -n "$out" ]]; then
        out+=" $word"; len=$((len + 1 + wl))
      else
        out="$word"; len=$((len + wl))
      fi
    done
    printf '%s\n' "$out"
  done
}

notice_text() {
  local lang="$1" topic="$2"; shift 2
  case "$lang:$topic" in
    en:logs) # <namespace> <pod> <container>
      echo "There are no logs to show. This lab's node is simulated: pod $2 has a real status, kept by the real control plane, but its container \"$3\" does not run as a process, so it writes no logs."
      echo "Next: see what Kubernetes knows about the pod (its status, restarts and events):"
      echo "  kubectl describe pod $2 -n $1" ;;
    ko:logs)
      echo "보여 줄 로그가 없습니다. 이 실습 환경의 노드는 시뮬레이션된 노드입니다. 파드 $2의 상태는 실제 컨트롤 플레인이 관리하는 진짜 상태이지만, 그 컨테이너($3)는 프로세스로 실행되지 않으므로 로그를 남기지 않습니다."
      echo "다음 단계: 쿠버네티스가 이 파드에 대해 알고 있는 상태, 재시작 횟수, 이벤트를 확인해 보세요."
      echo "  kubectl describe pod $2 -n $1" ;;
    en:exec|en:attach) # <namespace> <pod> <container>
      echo "Cannot $topic to container \"$3\" of pod $2. This lab's node is simulated: the pod is real in the API, but its containers do not run as processes, so there is nothing to run a command in."
      echo "Next: look at the pod from the outside instead, for example:"
      echo "  kubectl describe pod $2 -n $1"
      echo "  kubectl get pod $2 -n $1 -o yaml" ;;
    ko:exec|ko:attach)
      echo "파드 $2의 컨테이너($3)에 연결할 수 없습니다. 이 실습 환경의 노드는 시뮬레이션된 노드라서, 파드는 API에 실제로 있지만 컨테이너가 프로세스로 실행되지 않습니다. 그래서 명령을 실행할 곳이 없습니다."
      echo "다음 단계: 대신 파드를 바깥에서 살펴보세요. 예:"
      echo "  kubectl describe pod $2 -n $1"
      echo "  kubectl get pod $2 -n $1 -o yaml" ;;
    en:port-forward) # <namespace> <pod>
      echo "Cannot forward a port to pod $2. This lab's node is simulated, so nothing in the pod listens on a port."
      echo "Next: see which pods a Service would send traffic to:"
      echo "  kubectl get endpoints -n $1" ;;
    ko:port-forward)
      echo "파드($2)로 포트를 포워딩할 수 없습니다. 이 실습 환경의 노드는 시뮬레이션된 노드라서 파드 안에서 포트를 여는 프로세스가 없습니다."
      echo "다음 단계: 서비스가 트래픽을 어느 파드로 보낼지 확인해 보세요."
      echo "  kubectl get endpoints -n $1" ;;
    en:kubelet) # <method> <path>
      echo "This lab's node is simulated and does not answer this request to its kubelet ($1 $2)."
      echo "Next: kubectl describe node minikube shows what the node reports." ;;
    ko:kubelet)
      echo "이 실습 환경의 노드는 시뮬레이션된 노드라서 kubelet에 보낸 이 요청($1 $2)에 응답하지 않습니다."
      echo "다음 단계: kubectl describe node minikube 로 노드가 보고하는 내용을 확인해 보세요." ;;
    en:curl-service) # <host> <namespace/name or ""> <service name> <namespace>
      echo "curl could not reach $1${2:+, the address of Service $2}. In this lab the node is simulated: Services and pods get real addresses in the API, but no container process answers and nothing forwards the traffic."
      echo "Next: check what the Service would send traffic to:"
      if [[ -n "$3" ]]; then echo "  kubectl get endpoints $3 -n $4"; echo "  kubectl describe service $3 -n $4"
      else echo "  kubectl get services -A"; echo "  kubectl get endpoints -A"; fi ;;
    ko:curl-service)
      echo "curl이 $1${2:+(서비스 $2의 주소)}에 연결하지 못했습니다. 이 실습 환경의 노드는 시뮬레이션된 노드라서, 서비스와 파드는 API에서 실제 주소를 받지만 응답하는 컨테이너 프로세스가 없고 트래픽을 전달하는 것도 없습니다."
      echo "다음 단계: 서비스가 트래픽을 어디로 보낼지 확인해 보세요."
      if [[ -n "$3" ]]; then echo "  kubectl get endpoints $3 -n $4"; echo "  kubectl describe service $3 -n $4"
      else echo "  kubectl get services -A"; echo "  kubectl get endpoints -A"; fi ;;
    en:curl-pod) # <host> <namespace/name or "">
      echo "curl could not reach $1${2:+, the address of pod $2}. In this lab the node is simulated: the pod has a real address in the API, but no container process listens on it."
      echo "Next: see the pod's status and events:"
      echo "  kubectl get pods -A -o wide" ;;
    ko:curl-pod)
      echo "curl이 $1${2:+(파드 $2의 주소)}에 연결하지 못했습니다. 이 실습 환경의 노드는 시뮬레이션된 노드라서, 파드는 API에서 실제 주소를 받지만 그 주소에서 기다리는 컨테이너 프로세스가 없습니다."
      echo "다음 단계: 파드의 상태와 이벤트를 확인해 보세요."
      echo "  kubectl get pods -A -o wide" ;;
    en:curl-node) # <host>
      echo "curl could not reach $1. In this lab the node is simulated: NodePort and LoadBalancer Services are real in the API, but nothing listens on the node's ports."
      echo "Next: see the ports the Services were given:"
      echo "  kubectl get services -A" ;;
    ko:curl-node)
      echo "curl이 $1에 연결하지 못했습니다. 이 실습 환경의 노드는 시뮬레이션된 노드라서, NodePort와 LoadBalancer 서비스는 API에 실제로 있지만 노드의 포트에서 기다리는 것이 없습니다."
      echo "다음 단계: 서비스에 할당된 포트를 확인해 보세요."
      echo "  kubectl get services -A" ;;
    en:curl-cluster-name) # <host> (node labs)
      echo "curl could not resolve $1: this shell runs on the node, and the node does not use the cluster's DNS. Service names resolve inside pods."
      echo "Next: ask from a pod, or use the Service's address or node port:"
      echo "  kubectl run client --rm -it --restart=Never --image=busybox -- wget -qO- http://$1"
      echo "  kubectl get services" ;;
    ko:curl-cluster-name)
      echo "curl이 $1의 주소를 찾지 못했습니다. 이 셸은 노드에서 실행되고, 노드는 클러스터 DNS를 쓰지 않습니다. 서비스 이름은 파드 안에서 찾을 수 있습니다."
      echo "다음 단계: 파드 안에서 요청하거나, 서비스의 주소나 노드 포트를 사용해 보세요."
      echo "  kubectl run client --rm -it --restart=Never --image=busybox -- wget -qO- http://$1"
      echo "  kubectl get services" ;;
    en:curl-outside) # <host>
      echo "curl could not reach $1: this lab has no network connection beyond itself (no internet, no other machines). Only the cluster's API server on this machine answers." ;;
    ko:curl-outside)
      echo "curl이 $1에 연결하지 못했습니다. 이 실습 환경은 외부 네트워크(인터넷, 다른 컴퓨터)에 연결되어 있지 않습니다. 이 머신에 있는 클러스터의 API 서버만 응답합니다." ;;
    *) return 1 ;;
  esac
}

notice_render() {
  local lang="$1" width="$2" first="$3"; shift 3
  notice_text "$lang" "$@" | notice_wrap "$width" "$first"
}
