package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The soft reset brings etcd's keyspace back to the pristine snapshot by writing forward,
// in one etcd transaction: objects made since are deleted, changed or deleted ones are
// written back as they were. Revisions only move forward, so the apiserver, its watch
// cache and every controller see ordinary watch events and nothing has to restart.
// It talks to etcd's JSON gateway (keys and values base64), so values go back byte for byte.

type kv struct {
	Key   string `json:"key"`
	Value string `json:"value,omitempty"`
}

// keyspace reads the whole keyspace as [{key, value}] (base64).
func keyspace(etcd *tlsClient) ([]kv, error) {
	code, body := etcd.do(20*time.Second, http.MethodPost, "/v3/kv/range", "application/json", []byte(`{"key":"AA==","range_end":"AA=="}`))
	if code != 200 {
		return nil, fmt.Errorf("etcd range: HTTP %d: %.200s", code, body)
	}
	var out struct {
		Kvs []kv `json:"kvs"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, fmt.Errorf("etcd range: %w", err)
	}
	return out.Kvs, nil
}

func keyName(k string) string {
	b, err := base64.StdEncoding.DecodeString(k)
	if err != nil {
		return ""
	}
	return string(b)
}

// kept: keys a reset leaves as they are: etcd's compaction mark and the running
// apiserver's own leases; in a node lab also the Node, its lease and kube-system (the
// learner cannot write there, and the real kubelet registered the Node once), but not the
// grader's record of which lesson setups ran, kube-system/kubelab-setup, which a reset
// must make run again.
func kept(name string, node bool) bool {
	if name == "compact_rev_key" || strings.HasPrefix(name, "/registry/masterleases/") ||
		strings.HasPrefix(name, "/registry/leases/kube-system/apiserver-") {
		return true
	}
	return node && (strings.HasPrefix(name, "/registry/minions/") ||
		strings.HasPrefix(name, "/registry/leases/kube-node-lease/") ||
		(strings.Contains(name, "/kube-system/") && name != "/registry/configmaps/kube-system/kubelab-setup"))
}

// Events are deleted if new but never written back: the apiserver gives them a one-hour
// etcd lease that a plain write would not have.
func isEvent(name string) bool { return strings.HasPrefix(name, "/registry/events/") }

type txnOp struct {
	Delete *kv `json:"request_delete_range,omitempty"`
	Put    *kv `json:"request_put,omitempty"`
}

// resetOps: what turns live into pristine. deletesOnly: the straggler rounds.
func resetOps(live, pristine []kv, node, deletesOnly bool) []txnOp {
	p := make(map[string]string, len(pristine))
	for _, x := range pristine {
		p[x.Key] = x.Value
	}
	l := make(map[string]string, len(live))
	for _, x := range live {
		l[x.Key] = x.Value
	}
	var ops []txnOp
	for _, x := range live {
		name := keyName(x.Key)
		if _, ok := p[x.Key]; ok || kept(name, node) || (deletesOnly && isEvent(name)) {
			continue
		}
		ops = append(ops, txnOp{Delete: &kv{Key: x.Key}})
	}
	if deletesOnly {
		return ops
	}
	for _, x := range pristine {
		name := keyName(x.Key)
		if kept(name, node) || isEvent(name) {
			continue
		}
		if v, ok := l[x.Key]; ok && v == x.Value {
			continue
		}
		ops = append(ops, txnOp{Put: &kv{Key: x.Key, Value: x.Value}})
	}
	return ops
}

func txn(etcd *tlsClient, ops []txnOp) error {
	b, _ := json.Marshal(map[string]any{"success": ops})
	code, body := etcd.do(20*time.Second, http.MethodPost, "/v3/kv/txn", "application/json", b)
	var out struct {
		Succeeded bool `json:"succeeded"`
	}
	if code != 200 || json.Unmarshal(body, &out) != nil || !out.Succeeded {
		return fmt.Errorf("etcd transaction: HTTP %d: %.200s", code, body)
	}
	return nil
}

func loadPristine(p *Plan) ([]kv, error) {
	b, err := os.ReadFile(filepath.Join(p.Pristine, "keyspace.json"))
	if err != nil {
		return nil, err
	}
	var out []kv
	if err := json.Unmarshal(b, &out); err != nil || len(out) == 0 {
		return nil, fmt.Errorf("%s/keyspace.json: no keyspace (%v)", p.Pristine, err)
	}
	return out, nil
}

func (s *supervisor) softReset() error {
	if s.etcd == nil {
		return fmt.Errorf("no etcd in the plan")
	}
	pristine, err := loadPristine(s.plan)
	if err != nil {
		return err
	}
	node := s.plan.Profile == "node"
	live, err := keyspace(s.etcd)
	if err != nil {
		return err
	}
	ops := resetOps(live, pristine, node, false)
	dbg("reset: %d changes computed", len(ops))
	if len(ops) > 0 {
		if err := txn(s.etcd, ops); err != nil {
			return err
		}
	}
	dbg("reset: transaction committed")
	n := len(ops)
	// A controller that was busy when the keys changed may still create an object or two
	// for an owner that no longer exists (a pod of a deleted ReplicaSet, say). Delete such
	// stragglers until there are none, so that a reset leaves no ghosts.
	for round := 1; round <= 10; round++ {
		time.Sleep(100 * time.Millisecond)
		live, err := keyspace(s.etcd)
		if err != nil {
			break
		}
		extra := resetOps(live, pristine, node, true)
		dbg("reset round %d: %d stragglers", round, len(extra))
		if len(extra) == 0 {
			break
		}
		if txn(s.etcd, extra) == nil {
			n += len(extra)
		}
	}
	logf("reset: %d keys written back or deleted", n)
	return nil
}
