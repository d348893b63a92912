# Sourced by the node build scripts: how they keep their folders in ~/.cache/kubelab.
# Each build lives in <folder>/<key>; a key is a hash of everything that makes the build.

# A cache hit: the build is in use, so another checkout's pruning keeps it.
cache_used() { touch "$1" 2>/dev/null || true; }

# Removes the builds of other keys that nobody has made or used for a day. Not at once:
# another checkout of the project (a branch's work tree, a second CI job on the same host)
# may hold another key and be copying its build right now; removing every other key made
# that checkout's set-up fail half-way ("node-catalogue/<key>/digest: No such file").
cache_prune() { # <folder> <key>
  find "$1" -mindepth 1 -maxdepth 1 -type d ! -name "$2" ! -name "$2.partial" -mmin +1440 -exec rm -rf {} +
}
