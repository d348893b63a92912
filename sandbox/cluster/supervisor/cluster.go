package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// What a kubelet would do for the control plane and the node in a sim lab (kwok plays
// the kubelet for the learner's pods only), and how the supervisor tells a lab is ready.

func (s *supervisor) apiReady(timeout time.Duration) bool {
	code, body := s.api.do(timeout, http.MethodGet, "/readyz", "", nil)
	return code == 200 && string(body) == "ok"
}

// probeReady: a pod created now will be scheduled and started.
func (s *supervisor) probeReady() bool {
	switch s.plan.Readiness {
	case "apiserver":
		return s.apiReady(time.Second)
	case "node":
		// The real kubelet renews its own lease; Ready comes from it. A learner's first
		// pod may look up a Service by name at once, so CoreDNS must answer too.
		if !s.apiReady(time.Second) {
			dbg("probe: apiserver not ready")
			return false
		}
		if !s.coreDNSReady() {
			dbg("probe: CoreDNS not ready")
			return false
		}
	default: // sim
		if !s.running("kwok") {
			dbg("probe: kwok not running")
			return false
		}
		if !s.apiReady(time.Second) {
			dbg("probe: apiserver not ready")
			return false
		}
		if !s.renewLease() {
			dbg("probe: lease not renewed")
			return false
		}
		s.leaseNext = time.Now().Add(10 * time.Second)
	}
	if !s.nodeReady() {
		dbg("probe: node not Ready")
		return false
	}
	for _, u := range s.plan.HealthURLs {
		if !healthy(u) {
			dbg("probe: %s not healthy", u)
			return false
		}
	}
	dbg("probe: ready")
	return true
}

func (s *supervisor) coreDNSReady() bool {
	code, body := s.api.do(3*time.Second, http.MethodGet,
		"/apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices?labelSelector="+url.QueryEscape("kubernetes.io/service-name=kube-dns"), "", nil)
	if code != 200 {
		return false
	}
	var list struct {
		Items []struct {
			Endpoints []struct {
				Conditions struct {
					Ready *bool `json:"ready"`
				} `json:"conditions"`
			} `json:"endpoints"`
		} `json:"items"`
	}
	if json.Unmarshal(body, &list) != nil {
		return false
	}
	for _, it := range list.Items {
		for _, e := range it.Endpoints {
			if e.Conditions.Ready != nil && *e.Conditions.Ready {
				return true
			}
		}
	}
	return false
}

func (s *supervisor) nodeReady() bool {
	code, body := s.api.do(3*time.Second, http.MethodGet, "/api/v1/nodes/"+s.plan.Node, "", nil)
	if code != 200 {
		return false
	}
	var n struct {
		Metadata struct {
			UID string `json:"uid"`
		} `json:"metadata"`
		Status struct {
			Conditions []struct{ Type, Status string } `json:"conditions"`
		} `json:"status"`
	}
	if json.Unmarshal(body, &n) != nil {
		return false
	}
	s.nodeUID = n.Metadata.UID
	for _, c := range n.Status.Conditions {
		if c.Type == "Ready" {
			return c.Status == "True"
		}
	}
	return false
}

// keepAlive is a running lab's round, once a second at most: the apiserver's /readyz
// every 5 s, and for a sim node the lease when due and the node and mirror pods, so that
// a deleted one comes back (a real kubelet in a node lab does all of that itself).
func (s *supervisor) keepAlive(now time.Time) {
	sim := s.plan.SimNode
	dirty := false
	for _, n := range s.plan.Mirrored {
		if cs := s.comps[n]; cs != nil && cs.dirty {
			dirty = true
		}
	}
	sync := !now.Before(s.nextSync)
	if !sync && !(sim && !now.Before(s.leaseNext.Add(2*time.Second))) && !(sim && dirty) {
		return
	}
	// While etcd or the apiserver is down a request would only wait for its timeout.
	up := s.running("etcd") && s.running("kube-apiserver") && s.apiReady(time.Second)
	if up && sim {
		// The lease (due every 10 s) rides along with the sync round nearest to it.
		if s.running("kwok") && (!now.Before(s.leaseNext) || (sync && !now.Add(2500*time.Millisecond).Before(s.leaseNext))) {
			if s.renewLease() {
				s.leaseNext = now.Add(10 * time.Second)
			} else {
				s.leaseNext = now.Add(time.Second)
			}
		}
		if sync {
			if code, _ := s.api.do(3*time.Second, http.MethodGet, "/api/v1/nodes/"+s.plan.Node, "", nil); code == 404 {
				s.ensureNode()
			}
			for _, c := range s.plan.Mirrored {
				if code, _ := s.api.do(3*time.Second, http.MethodGet, s.mirrorPath(c), "", nil); code != 200 {
					s.ensureMirrorPods()
					break
				}
			}
		}
		s.syncMirrorStatus()
	}
	if up {
		if sync {
			s.nextSync = now.Add(5 * time.Second)
		}
		if !s.ready {
			s.setReady(true)
			s.writeState()
		}
	} else if s.ready {
		s.setReady(false)
		s.writeState()
	}
}

// --- the node and its lease -----------------------------------------------------------

// ensureNode registers the Node if it is missing, as a kubelet does on its next
// heartbeat (after a learner deleted it, or at the image build's first boot).
func (s *supervisor) ensureNode() bool {
	code, _ := s.api.do(5*time.Second, http.MethodGet, "/api/v1/nodes/"+s.plan.Node, "", nil)
	if code != 404 {
		return code == 200
	}
	s.nodeUID = ""
	body, err := os.ReadFile(filepath.Join(s.plan.Manifests, "node.json"))
	if err != nil {
		logf("error: %v", err)
		return false
	}
	if code, _ := s.api.do(5*time.Second, http.MethodPost, "/api/v1/nodes", "application/json", body); code == 201 {
		logf("node %s registered", s.plan.Node)
		return true
	}
	return false
}

func (s *supervisor) ensureNodeUID() string {
	if s.nodeUID == "" {
		s.nodeReady()
	}
	return s.nodeUID
}

// renewLease: a kubelet proves it is alive by renewing the Lease named after its node
// in kube-node-lease every 10 s; the node lifecycle controller marks the node NotReady
// when that stops. kwok runs without its own lease handling (in kwok v0.8.0 a restarted
// kwok waits for its predecessor's lease to expire and can then overlook the pods that
// already exist), so the supervisor renews it for kwok, and only while kwok is up.
func (s *supervisor) renewLease() bool {
	ts := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
	spec := map[string]any{"holderIdentity": s.plan.Node, "leaseDurationSeconds": 40, "renewTime": ts}
	patch, _ := json.Marshal(map[string]any{"spec": spec})
	path := "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + s.plan.Node
	if code, _ := s.api.do(3*time.Second, http.MethodPatch, path, "application/merge-patch+json", patch); code == 200 {
		return true
	}
	if s.ensureNodeUID() == "" {
		if !s.ensureNode() || s.ensureNodeUID() == "" {
			return false
		}
	}
	lease, _ := json.Marshal(map[string]any{
		"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
		"metadata": map[string]any{"name": s.plan.Node, "namespace": "kube-node-lease",
			"ownerReferences": []any{map[string]any{"apiVersion": "v1", "kind": "Node", "name": s.plan.Node, "uid": s.nodeUID}}},
		"spec": spec,
	})
	code, _ := s.api.do(3*time.Second, http.MethodPost, "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", "application/json", lease)
	return code == 201
}

// --- mirror pods ----------------------------------------------------------------------

func (s *supervisor) mirrorPath(c string) string {
	return fmt.Sprintf("/api/v1/namespaces/kube-system/pods/%s-%s", c, s.plan.Node)
}

// ensureMirrorPods puts back a mirror pod that is missing (deleted by someone, or
// garbage-collected after the Node was re-registered), as a kubelet does from its static
// pod manifests.
func (s *supervisor) ensureMirrorPods() {
	code, body := s.api.do(3*time.Second, http.MethodGet, "/api/v1/namespaces/kube-system/pods?labelSelector="+url.QueryEscape("tier=control-plane"), "", nil)
	if code != 200 {
		return
	}
	var list struct {
		Items []struct {
			Metadata struct {
				Name              string  `json:"name"`
				DeletionTimestamp *string `json:"deletionTimestamp"`
			} `json:"metadata"`
		} `json:"items"`
	}
	if json.Unmarshal(body, &list) != nil {
		return
	}
	present := map[string]bool{}
	for _, it := range list.Items {
		if it.Metadata.DeletionTimestamp == nil {
			present[it.Metadata.Name] = true
		}
	}
	for _, c := range s.plan.Mirrored {
		if present[c+"-"+s.plan.Node] {
			continue
		}
		if s.ensureNodeUID() == "" {
			return
		}
		raw, err := os.ReadFile(filepath.Join(s.plan.Manifests, "mirror-"+c+".json"))
		if err != nil {
			logf("error: %v", err)
			continue
		}
		var pod map[string]any
		if json.Unmarshal(raw, &pod) != nil {
			continue
		}
		meta, _ := pod["metadata"].(map[string]any)
		if meta == nil {
			continue
		}
		meta["ownerReferences"] = []any{map[string]any{"apiVersion": "v1", "kind": "Node", "name": s.plan.Node, "uid": s.nodeUID, "controller": true}}
		b, _ := json.Marshal(pod)
		if code, _ := s.api.do(3*time.Second, http.MethodPost, "/api/v1/namespaces/kube-system/pods", "application/json", b); code == 201 {
			logf("mirror pod %s-%s (re)created", c, s.plan.Node)
		}
		if cs := s.comps[c]; cs != nil {
			cs.dirty = true
		}
	}
}

func (s *supervisor) syncMirrorStatus() {
	for _, c := range s.plan.Mirrored {
		cs := s.comps[c]
		if cs == nil || !cs.dirty {
			continue
		}
		b, _ := json.Marshal(map[string]any{"status": s.mirrorStatus(cs)})
		code, body := s.api.do(3*time.Second, http.MethodPatch, s.mirrorPath(c)+"/status", "application/merge-patch+json", b)
		var out struct{ Kind string }
		if code == 200 && json.Unmarshal(body, &out) == nil && out.Kind == "Pod" {
			cs.dirty = false
		}
	}
}

// mirrorStatus: the pod status a kubelet would report for the component's process.
func (s *supervisor) mirrorStatus(cs *compState) map[string]any {
	name, node := cs.c.Name, s.plan.Node
	start := rfc3339(s.startAt)
	condTS := start
	if !cs.started.IsZero() {
		condTS = rfc3339(cs.started)
	}
	ready := false
	var state map[string]any
	switch cs.status {
	case "running":
		ready = true
		state = map[string]any{"running": map[string]any{"startedAt": rfc3339(cs.started)}}
	case "backoff":
		state = map[string]any{"waiting": map[string]any{"reason": "CrashLoopBackOff",
			"message": fmt.Sprintf("back-off %ds restarting failed container=%s pod=%s-%s_kube-system", cs.backoff, name, name, node)}}
	default:
		state = map[string]any{"waiting": map[string]any{"reason": "ContainerCreating"}}
	}
	last := map[string]any{}
	if cs.exitCode != nil && !cs.finished.IsZero() {
		reason := "Error"
		if *cs.exitCode == 0 {
			reason = "Completed"
		}
		prev := cs.finished
		if !cs.prevStarted.IsZero() {
			prev = cs.prevStarted
		}
		last = map[string]any{"terminated": map[string]any{"exitCode": *cs.exitCode, "reason": reason,
			"startedAt": rfc3339(prev), "finishedAt": rfc3339(cs.finished)}}
	}
	readyCond := func(t string) map[string]any {
		m := map[string]any{"type": t, "status": "False", "lastTransitionTime": condTS,
			"reason": "ContainersNotReady", "message": fmt.Sprintf("containers with unready status: [%s]", name)}
		if ready {
			m = map[string]any{"type": t, "status": "True", "lastTransitionTime": condTS}
		}
		return m
	}
	pid := 0
	if cs.p != nil {
		pid = cs.p.cmd.Process.Pid
	}
	ip := s.plan.NodeIP
	return map[string]any{
		"phase": "Running", "hostIP": ip, "hostIPs": []any{map[string]any{"ip": ip}},
		"podIP": ip, "podIPs": []any{map[string]any{"ip": ip}}, "startTime": start,
		"conditions": []any{
			map[string]any{"type": "PodReadyToStartContainers", "status": "True", "lastTransitionTime": start},
			map[string]any{"type": "Initialized", "status": "True", "lastTransitionTime": start},
			readyCond("Ready"), readyCond("ContainersReady"),
			map[string]any{"type": "PodScheduled", "status": "True", "lastTransitionTime": start},
		},
		"containerStatuses": []any{map[string]any{
			"name": name, "image": cs.c.Image, "imageID": "", "containerID": fmt.Sprintf("process://%d", pid),
			"ready": ready, "started": ready, "restartCount": cs.restarts, "state": state, "lastState": last,
		}},
	}
}
