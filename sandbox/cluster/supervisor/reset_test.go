package main

import (
	"encoding/base64"
	"sort"
	"testing"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func kvs(pairs ...string) []kv {
	var out []kv
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, kv{Key: b64(pairs[i]), Value: b64(pairs[i+1])})
	}
	return out
}

// describe renders ops as "put KEY=VALUE" / "delete KEY", sorted.
func describe(ops []txnOp) []string {
	var out []string
	for _, op := range ops {
		if op.Put != nil {
			v, _ := base64.StdEncoding.DecodeString(op.Put.Value)
			out = append(out, "put "+keyName(op.Put.Key)+"="+string(v))
		}
		if op.Delete != nil {
			out = append(out, "delete "+keyName(op.Delete.Key))
		}
	}
	sort.Strings(out)
	return out
}

func equal(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
}

func TestResetOpsWritesTheSnapshotBackAndDeletesWhatIsNew(t *testing.T) {
	pristine := kvs(
		"/registry/namespaces/default", "ns",
		"/registry/configmaps/default/kube-root-ca.crt", "ca-v1",
		"/registry/events/default/old", "event",
		"compact_rev_key", "1",
	)
	live := kvs(
		"/registry/namespaces/default", "ns", // unchanged: no write
		"/registry/configmaps/default/kube-root-ca.crt", "ca-v2", // changed: written back
		"/registry/deployments/default/web", "d", // new: deleted
		"/registry/events/default/new", "event", // new event: deleted
		"compact_rev_key", "9", // etcd's own: left alone
		"/registry/masterleases/10.0.0.1", "x", // the running apiserver's: left alone
		"/registry/leases/kube-system/apiserver-abc", "x",
	)
	// The old event was deleted since; events are never written back (their etcd lease).
	equal(t, describe(resetOps(live, pristine, false, false)), []string{
		"delete /registry/deployments/default/web",
		"delete /registry/events/default/new",
		"put /registry/configmaps/default/kube-root-ca.crt=ca-v1",
	})
}

func TestResetOpsOfANodeLabKeepsTheNodeAndKubeSystemButNotTheSetupRecord(t *testing.T) {
	pristine := kvs("/registry/namespaces/default", "ns")
	live := kvs(
		"/registry/namespaces/default", "ns",
		"/registry/minions/minikube", "node",
		"/registry/leases/kube-node-lease/minikube", "lease",
		"/registry/pods/kube-system/coredns-1", "pod",
		"/registry/configmaps/kube-system/kubelab-setup", "ran",
		"/registry/pods/default/mine", "pod",
	)
	equal(t, describe(resetOps(live, pristine, true, false)), []string{
		"delete /registry/configmaps/kube-system/kubelab-setup",
		"delete /registry/pods/default/mine",
	})
	// A sim lab has no real kubelet: its Node and kube-system go back to the snapshot too.
	equal(t, describe(resetOps(live, pristine, false, false)), []string{
		"delete /registry/configmaps/kube-system/kubelab-setup",
		"delete /registry/leases/kube-node-lease/minikube",
		"delete /registry/minions/minikube",
		"delete /registry/pods/default/mine",
		"delete /registry/pods/kube-system/coredns-1",
	})
}

func TestStragglerRoundsOnlyDeleteAndLeaveEventsToExpire(t *testing.T) {
	pristine := kvs("/registry/namespaces/default", "ns", "/registry/configmaps/default/a", "1")
	live := kvs("/registry/namespaces/default", "ns", "/registry/pods/default/ghost", "p", "/registry/events/default/e", "e")
	equal(t, describe(resetOps(live, pristine, false, true)), []string{"delete /registry/pods/default/ghost"})
}

func TestAnEmptyValueIsAValueNotAMissingKey(t *testing.T) {
	pristine := []kv{{Key: b64("/registry/x/empty")}}
	live := []kv{{Key: b64("/registry/x/empty")}}
	equal(t, describe(resetOps(live, pristine, false, false)), nil)
}
