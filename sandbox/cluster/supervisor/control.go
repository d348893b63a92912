package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The callers' side of the control FIFO: `kubelab-cluster stop|start|reset` (and
// `minikube` through sudo) write "<op> <reply fifo>" and wait up to 120 s for one line.

func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndex(s, ") ")
	return i >= 0 && i+2 < len(s) && s[i+2] != 'Z'
}

func supervisorPid(runDir string) int {
	b, _ := os.ReadFile(filepath.Join(runDir, "supervisor.pid"))
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

func control(runDir, op string) int {
	ctl := filepath.Join(runDir, "control")
	st, err := os.Stat(ctl)
	if err != nil || st.Mode()&os.ModeNamedPipe == 0 || syscall.Access(ctl, 2) != nil {
		logf("error: no running supervisor to talk to (is 'kubelab-cluster run' up, and are you root?)")
		return 1
	}
	if pid := supervisorPid(runDir); !alive(pid) {
		logf("error: the supervisor (pid %d) is not running", pid)
		return 1
	}
	fifo := filepath.Join(runDir, fmt.Sprintf("reply.%d", os.Getpid()))
	_ = os.Remove(fifo)
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		logf("error: %v", err)
		return 1
	}
	defer os.Remove(fifo)
	// Read-write: the open does not wait for the supervisor, and its close is no EOF.
	r, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		logf("error: %v", err)
		return 1
	}
	defer r.Close()
	w, err := os.OpenFile(ctl, os.O_WRONLY, 0)
	if err != nil {
		logf("error: %v", err)
		return 1
	}
	// One write of one line: a FIFO keeps writes under PIPE_BUF whole.
	_, err = fmt.Fprintf(w, "%s %s\n", op, fifo)
	w.Close()
	if err != nil {
		logf("error: %v", err)
		return 1
	}
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		answer <- strings.TrimRight(line, "\n")
	}()
	var a string
	select {
	case a = <-answer:
	case <-time.After(120 * time.Second):
		a = "error no answer from the supervisor within 120 s"
	}
	_, rest, _ := strings.Cut(a, " ")
	fmt.Println(rest)
	if strings.HasPrefix(a, "ok") {
		return 0
	}
	return 1
}

// status prints state.json (phase "absent" if its supervisor is gone) and exits 0 only
// when the cluster is ready, 3 when no supervisor ever ran.
func status(runDir string, asJSON bool) int {
	b, err := os.ReadFile(filepath.Join(runDir, "state.json"))
	if err != nil {
		if asJSON {
			fmt.Println(`{"version":1,"phase":"absent","ready":false,"components":{}}`)
		} else {
			fmt.Printf("no supervisor has run (no %s/state.json)\n", runDir)
		}
		return 3
	}
	var head struct {
		SupervisorPid int `json:"supervisorPid"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		logf("error: %s/state.json: %v", runDir, err)
		return 1
	}
	if !alive(head.SupervisorPid) {
		b = setField(setField(b, "phase", `"absent"`), "ready", "false")
	}
	var view struct {
		Phase        string `json:"phase"`
		Ready        bool   `json:"ready"`
		ReadyAfterMs *int64 `json:"readyAfterMs"`
	}
	_ = json.Unmarshal(b, &view)
	if asJSON {
		os.Stdout.Write(b)
	} else {
		fmt.Printf("phase: %s   ready: %v", view.Phase, view.Ready)
		if view.ReadyAfterMs != nil {
			fmt.Printf("   (ready %d ms after start)", *view.ReadyAfterMs)
		}
		fmt.Println()
		printComponents(b)
	}
	if view.Ready {
		return 0
	}
	return 1
}

// setField replaces the value of a top-level scalar field in place, keeping the file's
// key order (components in start order); writeState puts phase and ready first.
func setField(b []byte, key, val string) []byte {
	s := string(b)
	k := `"` + key + `":`
	i := strings.Index(s, k)
	if i < 0 {
		return b
	}
	j := i + len(k)
	end := strings.IndexAny(s[j:], ",}")
	if end < 0 {
		return b
	}
	return []byte(s[:j] + val + s[j+end:])
}

func printComponents(b []byte) {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	// Walk to "components" and read its members in file order.
	depth := 0
	for {
		t, err := dec.Token()
		if err != nil {
			return
		}
		switch v := t.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				depth++
			} else {
				depth--
			}
		case string:
			if depth == 1 && v == "components" {
				if _, err := dec.Token(); err != nil {
					return
				}
				for dec.More() {
					nt, err := dec.Token()
					if err != nil {
						return
					}
					var c compJSON
					if dec.Decode(&c) != nil {
						return
					}
					pid, since := "-", "-"
					if c.Pid != nil {
						pid = strconv.Itoa(*c.Pid)
					}
					if c.StartedAt != nil {
						since = *c.StartedAt
					}
					fmt.Printf("  %-24s %-8s pid %s  restarts %d  since %s\n", nt.(string), c.Status, pid, c.Restarts, since)
				}
				return
			}
		}
	}
}
