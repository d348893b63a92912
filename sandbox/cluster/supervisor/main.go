// kubelab-supervisor runs and watches the processes of one lab's cluster (etcd, the
// apiserver, controller manager, scheduler, and kwok or the node's containerd, kubelet
// and friends), from the plan that `kubelab-cluster run` writes. It replaces the loop
// that was bash: the one program on the path of every lab start, stop and reset.
//
//	kubelab-supervisor run PLAN                 supervise (the container's main process)
//	kubelab-supervisor control RUN_DIR OP [COMPONENT...]
//	                                            ask the running supervisor: stop, start,
//	                                            reset, ping, freeze (for the image build)
//	kubelab-supervisor status RUN_DIR [--json]  what state.json says, if the supervisor lives
//	kubelab-supervisor keyspace PLAN            etcd's keyspace as JSON (for the snapshot)
//
// Standard library only: it builds in seconds with the other binaries and has nothing
// to update. Hand-written rather than runit or s6 because what it supervises needs more
// than restarts: the lab's readiness, the soft reset through etcd, a sim node's lease and
// mirror pods, and the control protocol the callers already speak.
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

func usage() int {
	fmt.Fprintln(os.Stderr, "usage: kubelab-supervisor run PLAN | control RUN_DIR OP | status RUN_DIR [--json] | keyspace PLAN")
	return 2
}

func main() { os.Exit(realMain(os.Args[1:])) }

func realMain(args []string) int {
	if len(args) < 2 {
		return usage()
	}
	switch args[0] {
	case "run":
		plan, err := loadPlan(args[1])
		if err != nil {
			logf("error: %v", err)
			return 1
		}
		s, err := newSupervisor(plan)
		if err != nil {
			logf("error: %v", err)
			return 1
		}
		return s.run()
	case "control":
		if len(args) < 3 {
			return usage()
		}
		return control(args[1], args[2])
	case "status":
		return status(args[1], len(args) > 2 && args[2] == "--json")
	case "keyspace":
		plan, err := loadPlan(args[1])
		if err != nil {
			logf("error: %v", err)
			return 1
		}
		etcd, err := newTLSClient(plan.EtcdURL, plan.PKI.EtcdCA, plan.PKI.EtcdCert, plan.PKI.EtcdKey)
		if err != nil {
			logf("error: %v", err)
			return 1
		}
		kvs, err := keyspace(etcd)
		if err != nil {
			logf("error: %v", err)
			return 1
		}
		if kvs == nil {
			kvs = []kv{}
		}
		b, _ := json.Marshal(kvs)
		fmt.Println(string(b))
		return 0
	}
	return usage()
}
