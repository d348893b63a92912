package main

import (
	"encoding/json"
	"fmt"
	"os"
)

// Plan is everything the supervisor needs to know about one lab, written by
// `kubelab-cluster` (which owns the command lines, the PKI and the paths) into
// $KUBELAB_RUN_DIR/plan.json. The supervisor decides nothing about what runs, only
// when: it starts, watches, restarts and stops what the plan lists.
type Plan struct {
	Profile string `json:"profile"` // sim | node (for the log and state only)
	// SimNode: there is no kubelet, so the supervisor plays its part for the control
	// plane: it registers the Node, renews its lease while kwok runs, and keeps a mirror
	// pod per control-plane process with that process's real state.
	SimNode bool `json:"simNode"`
	// Readiness: "sim" (kwok, the node lease, node Ready, controller manager and scheduler
	// healthy), "node" (the same with CoreDNS answering instead of kwok and the lease) or
	// "apiserver" (readyz only: an image build's first boot, before any node exists).
	Readiness string `json:"readiness"`

	Node        string   `json:"node"`
	NodeIP      string   `json:"nodeIP"`
	APIServer   string   `json:"apiserver"`  // https://127.0.0.1:8443
	EtcdURL     string   `json:"etcd"`       // https://127.0.0.1:2379
	HealthURLs  []string `json:"healthURLs"` // controller manager and scheduler /healthz
	RunDir      string   `json:"runDir"`
	LogDir      string   `json:"logDir"`
	LogMaxBytes int64    `json:"logMaxBytes"`
	EtcdData    string   `json:"etcdData"`
	Pristine    string   `json:"pristine"`  // holds etcd/ and keyspace.json
	Manifests   string   `json:"manifests"` // node.json and mirror-<component>.json (SimNode)

	PKI struct {
		CA       string `json:"ca"`
		Cert     string `json:"cert"` // the supervisor's client certificate (system:masters)
		Key      string `json:"key"`
		EtcdCA   string `json:"etcdCA"`
		EtcdCert string `json:"etcdCert"`
		EtcdKey  string `json:"etcdKey"`
	} `json:"pki"`

	// Components in start order. Argv is complete (credentials, environment): the
	// supervisor runs it as is, in Dir, with stdout and stderr appended to Log.
	Components []Component `json:"components"`
	// StopOrder: groups stopped one after the other (clients first, etcd last), so that
	// nothing writes while the apiserver and etcd go down.
	StopOrder [][]string `json:"stopOrder"`
	// Mirrored: the control-plane components that have a mirror pod (SimNode).
	Mirrored []string `json:"mirrored"`
}

type Component struct {
	Name string   `json:"name"`
	Argv []string `json:"argv"`
	Dir  string   `json:"dir"`
	Log  string   `json:"log"`
	// Image: what the mirror pod says the container runs.
	Image string `json:"image,omitempty"`
	// StopFirst: run to completion (within the stop's grace) before a graceful stop
	// signals the component; containerd's stops every pod, as a node powering off would.
	StopFirst []string `json:"stopFirst,omitempty"`
}

func loadPlan(path string) (*Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p := &Plan{}
	if err := json.Unmarshal(b, p); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(p.Components) == 0 || p.RunDir == "" || p.LogDir == "" || p.APIServer == "" {
		return nil, fmt.Errorf("%s: components, runDir, logDir and apiserver are required", path)
	}
	switch p.Readiness {
	case "sim", "node", "apiserver":
	default:
		return nil, fmt.Errorf("%s: readiness must be sim, node or apiserver, not %q", path, p.Readiness)
	}
	seen := map[string]bool{}
	for _, c := range p.Components {
		if c.Name == "" || len(c.Argv) == 0 || seen[c.Name] {
			return nil, fmt.Errorf("%s: component %q: a unique name and an argv are required", path, c.Name)
		}
		seen[c.Name] = true
	}
	if p.LogMaxBytes <= 0 {
		p.LogMaxBytes = 5 << 20
	}
	return p, nil
}
