# learner-shell.bash — sourced by the learner's ~/.bashrc (interactive shells only).
#
# 1. Records this terminal's language and width in /run/kubelab/learner/terminal before
#    every command, so that the simulated node's answers to `kubectl logs/exec/attach/cp/
#    port-forward` (kubelet-notice, run by the cluster) come in the learner's language and
#    fit their terminal. Only a language code and a number are written.
# 2. `curl` to a Service, pod or node address cannot connect in a `sim` lab (its node is
#    simulated and it has no network); the real curl runs as always, and when it fails to
#    resolve or connect to such an address, the shell says why and what to look at instead.
#    curl to localhost (the API server) is left alone. In a `node` lab those addresses
#    answer for real, so a failure there is the learner's to read in curl's own words; only
#    an address outside the lab still gets the note that the lab has no network.

__kubelab_terminal() {
  [[ -d /run/kubelab/learner && -w /run/kubelab/learner ]] || return 0
  printf '%s %s\n' "${LC_ALL:-${LC_MESSAGES:-${LANG:-}}}" "${COLUMNS:-0}" >|/run/kubelab/learner/terminal 2>/dev/null
  return 0
}
# PS0 is expanded after a command line is read and before it runs: the width is the one
# the terminal has at that moment (checkwinsize and readline keep COLUMNS current).
PS0='$(__kubelab_terminal)'"${PS0:-}"
__kubelab_terminal

# Prints the host of curl's first URL argument (skipping the values of options that take one).
__kubelab_curl_host() {
  local a skip=0 host
  for a in "$@"; do
    if ((skip)); then skip=0; continue; fi
    case "$a" in
      -o|-H|-d|-X|-u|-A|-e|-w|-m|-b|-c|-F|-T|-x|-r|-E|-K|-U|-Y|-y|-z|-C|-P|-Q|-t|\
      --output|--header|--data|--data-*|--request|--user|--user-agent|--referer|--write-out|\
      --max-time|--connect-timeout|--cookie|--cookie-jar|--form|--form-string|--upload-file|--proxy|\
      --range|--cert|--key|--cacert|--capath|--resolve|--connect-to|--retry|--retry-delay|\
      --retry-max-time|--interface|--config|--url-query|--json|--oauth2-bearer|--unix-socket|\
      --dns-servers|--noproxy|--proxy-user|--max-filesize|--limit-rate|--output-dir|--variable)
        skip=1; continue ;;
      --url) skip=0; continue ;;
      -*) continue ;;
    esac
    host="${a#*://}"; host="${host%%[/?#]*}"; host="${host##*@}"
    if [[ "$host" == \[* ]]; then host="${host%%]*}"; host="${host#[}"; else host="${host%%:*}"; fi
    printf '%s' "${host,,}"
    return 0
  done
  return 1
}

# One classification of the host for both profiles. In a `sim` lab every cluster address gets
# a note (nothing answers there); in a `node` lab they answer for real, so only a cluster name
# that did not resolve gets one (the node's shell, as on minikube, is not on the cluster's DNS).
__kubelab_curl_explain() { # <host> <curl's exit code>
  local host="$1" rc="$2" lang="${LC_ALL:-${LC_MESSAGES:-${LANG:-}}}" width="${COLUMNS:-0}" found="" name ns node_lab=0
  local say=(/opt/kubelab/sim-notice --lang "$lang" --width "$width")
  local k=(command kubectl --request-timeout=3s)
  case "$host" in
    ""|localhost|localhost.|127.*|::1|0.0.0.0) return 0 ;;
  esac
  # The node image alone installs the node's supervisor: its presence says this is a node lab.
  [[ -x /opt/kubelab/node/kubelab-node ]] && node_lab=1
  if [[ "$host" =~ ^10\.(9[6-9]|10[0-9]|11[01])\.[0-9]+\.[0-9]+$ ]]; then
    ((node_lab)) && return 0
    found="$("${k[@]}" get services -A -o jsonpath="{range .items[?(@.spec.clusterIP==\"$host\")]}{.metadata.namespace}/{.metadata.name}{end}" 2>/dev/null)"
    "${say[@]}" curl-service "$host" "$found" "${found#*/}" "${found%%/*}" >&2
  elif [[ "$host" =~ ^10\.244\.[0-9]+\.[0-9]+$ ]]; then
    ((node_lab)) && return 0
    found="$("${k[@]}" get pods -A --field-selector "status.podIP=$host" -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name}{end}' 2>/dev/null)"
    "${say[@]}" curl-pod "$host" "$found" >&2
  elif [[ "$host" == minikube || "$host" == 192.168.49.2 || "$host" == control-plane.minikube.internal ]]; then
    ((node_lab)) && return 0
    "${say[@]}" curl-node "$host" >&2
  elif [[ "$host" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)?(\.svc(\.cluster\.local)?)?\.?$ ]]; then
    # name, name.namespace, name.namespace.svc[.cluster.local]: a Service, if one has that name.
    name="${host%.}"; name="${name%.svc.cluster.local}"; name="${name%.svc}"
    if [[ "$name" == *.* ]]; then ns="${name#*.}"; name="${name%%.*}"
    else ns="$("${k[@]}" config view --minify -o jsonpath='{..namespace}' 2>/dev/null)"; ns="${ns:-default}"; fi
    "${k[@]}" get service "$name" -n "$ns" >/dev/null 2>&1 && found="$ns/$name"
    if [[ -z "$found" && "$host" != *.svc* && "$host" == *.* ]]; then
      "${say[@]}" curl-outside "$host" >&2
    elif ((node_lab)); then
      [[ "$rc" == 6 ]] && "${say[@]}" curl-cluster-name "$host" >&2
    else
      "${say[@]}" curl-service "$host" "$found" "${found:+$name}" "${found:+$ns}" >&2
    fi
  else
    "${say[@]}" curl-outside "$host" >&2
  fi
  return 0
}

curl() {
  command curl "$@"
  local rc=$? host
  # 6: could not resolve the host, 7: could not connect, 28: timed out.
  case $rc in 6|7|28) ;; *) return $rc ;; esac
  host="$(__kubelab_curl_host "$@")" && __kubelab_curl_explain "$host" "$rc"
  return $rc
}
