package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// proc is one run of a component's process.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has been reaped
	code int           // exit code, 128+signal when killed (as bash reports it)
}

// compState is what the supervisor knows of one component; state.json shows it.
type compState struct {
	c           *Component
	p           *proc
	status      string // stopped | running | backoff
	restarts    int
	started     time.Time
	prevStarted time.Time
	exitCode    *int
	finished    time.Time
	nextStart   time.Time
	backoff     int  // seconds before the next restart after a crash
	dirty       bool // its mirror pod's status is owed to the apiserver
}

type pending struct {
	fifo, op string
	t0       time.Time
}

type exitEvent struct {
	name string
	p    *proc
}

type supervisor struct {
	plan    *Plan
	comps   map[string]*compState
	order   []string
	phase   string // starting | running | resetting | stopping | stopped | frozen
	ready   bool
	readyMs *int64
	t0      time.Time
	startAt time.Time // when the pods' startTime says the node came up
	pending []pending
	// A reset waiting for the apiserver of a cluster it had to start: requested at resetAt,
	// replaced by the pristine copy if the apiserver has not answered by resetBy.
	resetAt, resetBy time.Time

	api, etcd *tlsClient
	nodeUID   string
	leaseNext time.Time
	nextSync  time.Time
	logNext   time.Time

	exits chan exitEvent
}

func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "%s kubelab-cluster: %s\n", time.Now().UTC().Format("2006-01-02T15:04:05Z"), fmt.Sprintf(format, a...))
}

var debug = os.Getenv("KUBELAB_DEBUG") == "1"

// dbg logs the steps of a start or reset with millisecond times (KUBELAB_DEBUG=1).
func dbg(format string, a ...any) {
	if debug {
		logf("debug %d: %s", time.Now().UnixMilli()%100000, fmt.Sprintf(format, a...))
	}
}

func rfc3339(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func newSupervisor(plan *Plan) (*supervisor, error) {
	s := &supervisor{plan: plan, comps: map[string]*compState{}, phase: "stopped", exits: make(chan exitEvent, 64)}
	for i := range plan.Components {
		c := &plan.Components[i]
		s.comps[c.Name] = &compState{c: c, status: "stopped", backoff: 1, dirty: true}
		s.order = append(s.order, c.Name)
	}
	var err error
	if s.api, err = newTLSClient(plan.APIServer, plan.PKI.CA, plan.PKI.Cert, plan.PKI.Key); err != nil {
		return nil, fmt.Errorf("apiserver client: %w", err)
	}
	if plan.EtcdURL != "" {
		if s.etcd, err = newTLSClient(plan.EtcdURL, plan.PKI.EtcdCA, plan.PKI.EtcdCert, plan.PKI.EtcdKey); err != nil {
			return nil, fmt.Errorf("etcd client: %w", err)
		}
	}
	return s, nil
}

// --- processes ----------------------------------------------------------------------

// launch starts one component, its output appended to its log.
func (s *supervisor) launch(name string) {
	cs := s.comps[name]
	c := cs.c
	if st, err := os.Stat(c.Log); err == nil && st.Size() > s.plan.LogMaxBytes {
		_ = os.Rename(c.Log, c.Log+".1")
	}
	logFile, err := os.OpenFile(c.Log, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		logf("cannot open %s: %v", c.Log, err)
		s.crashed(cs, 127)
		return
	}
	defer logFile.Close() // the child keeps its own copy
	fmt.Fprintf(logFile, "=== %s kubelab-cluster: starting %s\n", rfc3339(time.Now()), name)
	cmd := exec.Command(c.Argv[0], c.Argv[1:]...)
	cmd.Dir = c.Dir
	// The argv sets each component's environment itself (env -i ...); what reaches its
	// first program (setpriv) is a fixed PATH, nothing of the supervisor's own.
	cmd.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Dies with the supervisor even if the supervisor is killed outright.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	now := time.Now()
	cs.prevStarted, cs.started = cs.started, now
	cs.dirty = true
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(logFile, "=== %s kubelab-cluster: cannot start %s: %v\n", rfc3339(now), name, err)
		logf("cannot start %s: %v", name, err)
		s.crashed(cs, 127)
		return
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	cs.p, cs.status = p, "running"
	go func() {
		err := cmd.Wait()
		p.code = exitCode(cmd, err)
		close(p.done)
		s.exits <- exitEvent{name, p}
	}()
}

func exitCode(cmd *exec.Cmd, err error) int {
	if cmd.ProcessState == nil {
		return 127
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return cmd.ProcessState.ExitCode()
}

// crashed: a running component ended on its own. Back off like a kubelet does with a
// crashing container (1, 2, 4 ... 30 s), but forgive a component that had been up a while.
func (s *supervisor) crashed(cs *compState, code int) {
	now := time.Now()
	ran := int(now.Sub(cs.started).Seconds())
	c := code
	cs.exitCode, cs.finished, cs.p = &c, now, nil
	if ran > 60 {
		cs.backoff = 1
	}
	cs.nextStart = now.Add(time.Duration(cs.backoff) * time.Second)
	logf("%s exited with code %d after %ds; restarting in %ds", cs.c.Name, code, ran, cs.backoff)
	cs.backoff = min(cs.backoff*2, 30)
	cs.status, cs.dirty = "backoff", true
	if f, err := os.OpenFile(cs.c.Log, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644); err == nil {
		fmt.Fprintf(f, "=== %s kubelab-cluster: %s exited with code %d\n", rfc3339(now), cs.c.Name, code)
		f.Close()
	}
}

func (s *supervisor) startAll() {
	for _, name := range s.order {
		if s.comps[name].p == nil {
			s.launch(name)
		}
	}
}

// stop stops the named components group by group (StopOrder), each with sig and then
// KILL after grace; names nil = all of them.
func (s *supervisor) stop(names []string, sig syscall.Signal, grace time.Duration) {
	want := func(n string) bool {
		if names == nil {
			return true
		}
		for _, x := range names {
			if x == n {
				return true
			}
		}
		return false
	}
	for _, group := range s.stopGroups() {
		var ps []*compState
		for _, n := range group {
			if cs := s.comps[n]; cs != nil && want(n) {
				ps = append(ps, cs)
				if cs.p != nil && sig == syscall.SIGTERM && len(cs.c.StopFirst) > 0 {
					s.runStopFirst(cs, grace)
				}
				if cs.p != nil {
					_ = cs.p.cmd.Process.Signal(sig)
				}
			}
		}
		deadline := time.After(grace)
		for _, cs := range ps {
			if cs.p != nil {
				select {
				case <-cs.p.done:
				case <-deadline:
					_ = cs.p.cmd.Process.Kill()
					<-cs.p.done
				}
				c := cs.p.code
				cs.exitCode, cs.finished = &c, time.Now()
			}
			cs.p, cs.status, cs.dirty = nil, "stopped", true
		}
	}
}

// runStopFirst runs a component's StopFirst command, its output in the component's log.
func (s *supervisor) runStopFirst(cs *compState, grace time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	cmd := exec.CommandContext(ctx, cs.c.StopFirst[0], cs.c.StopFirst[1:]...)
	cmd.Dir = cs.c.Dir
	cmd.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	if f, err := os.OpenFile(cs.c.Log, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644); err == nil {
		defer f.Close()
		cmd.Stdout, cmd.Stderr = f, f
	}
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		logf("before stopping %s: %s: %v", cs.c.Name, strings.Join(cs.c.StopFirst, " "), err)
		return
	}
	dbg("before stopping %s: %s took %d ms", cs.c.Name, strings.Join(cs.c.StopFirst, " "), time.Since(t0).Milliseconds())
}

// stopGroups: the plan's order, and any component it forgot last but one (before etcd).
func (s *supervisor) stopGroups() [][]string {
	listed := map[string]bool{}
	for _, g := range s.plan.StopOrder {
		for _, n := range g {
			listed[n] = true
		}
	}
	var rest []string
	for _, n := range s.order {
		if !listed[n] {
			rest = append(rest, n)
		}
	}
	if len(rest) == 0 {
		return s.plan.StopOrder
	}
	return append([][]string{rest}, s.plan.StopOrder...)
}

func (s *supervisor) running(name string) bool {
	cs := s.comps[name]
	return cs != nil && cs.status == "running"
}

// restartDue restarts the components whose back-off has passed.
func (s *supervisor) restartDue(now time.Time) {
	for _, n := range s.order {
		cs := s.comps[n]
		if cs.status == "backoff" && !now.Before(cs.nextStart) {
			cs.restarts++
			s.launch(n)
			if cs.p != nil {
				logf("%s restarted (pid %d, restart #%d)", n, cs.p.cmd.Process.Pid, cs.restarts)
			}
			s.writeState()
		}
	}
}

// --- logs -----------------------------------------------------------------------------

// rotateLogs: a component's log may not grow without bound (it is on the container's
// disk, and a learner can make a component log a lot, e.g. with failed TLS handshakes).
// Every 3 s a log above the cap is copied to <log>.1 and truncated in place: components
// write with O_APPEND, so they carry on at the start of the emptied file.
func (s *supervisor) rotateLogs(now time.Time) {
	if now.Before(s.logNext) {
		return
	}
	s.logNext = now.Add(3 * time.Second)
	files, _ := filepath.Glob(filepath.Join(s.plan.LogDir, "*.log"))
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil || st.Size() <= s.plan.LogMaxBytes {
			continue
		}
		if err := copyFile(f, f+".1"); err != nil {
			continue
		}
		if err := os.Truncate(f, 0); err != nil {
			continue
		}
		if w, err := os.OpenFile(f, os.O_WRONLY|os.O_APPEND, 0); err == nil {
			fmt.Fprintf(w, "=== %s kubelab-cluster: log rotated at %d bytes (previous part in %s.1)\n", rfc3339(now), st.Size(), f)
			w.Close()
		}
	}
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// --- state file -----------------------------------------------------------------------

type compJSON struct {
	Pid            *int    `json:"pid"`
	Status         string  `json:"status"`
	Restarts       int     `json:"restarts"`
	StartedAt      *string `json:"startedAt"`
	LastExitCode   *int    `json:"lastExitCode"`
	LastFinishedAt *string `json:"lastFinishedAt"`
	Log            string  `json:"log"`
}

// writeState writes $RUN/state.json on every change (minikube status, the providers and
// the tests read it), components in start order.
func (s *supervisor) writeState() {
	head, _ := json.Marshal(struct {
		Version       int    `json:"version"`
		Phase         string `json:"phase"`
		Ready         bool   `json:"ready"`
		ReadyAfterMs  *int64 `json:"readyAfterMs"`
		SupervisorPid int    `json:"supervisorPid"`
		Node          string `json:"node"`
		NodeIP        string `json:"nodeIP"`
		APIServer     string `json:"apiserver"`
		UpdatedAt     string `json:"updatedAt"`
	}{1, s.phase, s.ready, s.readyMs, os.Getpid(), s.plan.Node, s.plan.NodeIP, s.plan.APIServer, rfc3339(time.Now())})
	var b strings.Builder
	b.Write(head[:len(head)-1])
	b.WriteString(`,"components":{`)
	for i, n := range s.order {
		cs := s.comps[n]
		j := compJSON{Status: cs.status, Restarts: cs.restarts, LastExitCode: cs.exitCode, Log: cs.c.Log}
		if cs.p != nil {
			pid := cs.p.cmd.Process.Pid
			j.Pid = &pid
		}
		if !cs.started.IsZero() {
			t := rfc3339(cs.started)
			j.StartedAt = &t
		}
		if !cs.finished.IsZero() {
			t := rfc3339(cs.finished)
			j.LastFinishedAt = &t
		}
		v, _ := json.Marshal(j)
		k, _ := json.Marshal(n)
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteString("}}\n")
	path := filepath.Join(s.plan.RunDir, "state.json")
	if err := os.WriteFile(path+".tmp", []byte(b.String()), 0o644); err == nil {
		_ = os.Rename(path+".tmp", path)
	}
}

func (s *supervisor) setReady(r bool) {
	s.ready = r
	path := filepath.Join(s.plan.RunDir, "ready")
	if r {
		_ = os.WriteFile(path, nil, 0o644)
	} else {
		_ = os.Remove(path)
	}
}

// --- requests -------------------------------------------------------------------------

// reply writes one line to a caller's reply FIFO. Only a FIFO: the path comes from the
// request, and the supervisor (root) must not be talked into writing a file.
func reply(fifo, text string) {
	if fifo == "" {
		return
	}
	st, err := os.Lstat(fifo)
	if err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		return
	}
	// Read-write, as the caller holds it: opening never blocks, even if the caller left.
	f, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		return
	}
	fmt.Fprintln(f, text)
	f.Close()
}

func (s *supervisor) flushPending(result, text string) {
	for _, p := range s.pending {
		reply(p.fifo, fmt.Sprintf("%s %s: %s after %d ms", result, p.op, text, time.Since(p.t0).Milliseconds()))
	}
	s.pending = nil
}

func (s *supervisor) beginStart(countRestarts bool) {
	if countRestarts {
		for _, n := range s.order {
			if cs := s.comps[n]; !cs.started.IsZero() {
				cs.restarts++
			}
		}
	}
	s.phase = "starting"
	s.setReady(false)
	s.readyMs = nil
	s.t0 = time.Now()
	s.startAll()
	s.writeState()
}

// handle answers one request line: "<op> <reply fifo> [component...]".
func (s *supervisor) handle(line string) {
	f := strings.Fields(line)
	if len(f) == 0 {
		return
	}
	op, fifo := f[0], ""
	if len(f) > 1 {
		fifo = f[1]
	}
	t0 := time.Now()
	dbg("request: %s", op)
	switch op {
	case "stop":
		if s.phase == "stopped" {
			reply(fifo, "ok already stopped")
			return
		}
		logf("stopping the cluster (request)")
		s.resetAt = time.Time{}
		s.phase = "stopping"
		s.setReady(false)
		s.writeState()
		s.flushPending("error", "stopped before it was ready")
		s.stop(nil, syscall.SIGTERM, 8*time.Second)
		s.phase = "stopped"
		s.writeState()
		ms := time.Since(t0).Milliseconds()
		logf("cluster stopped in %d ms", ms)
		reply(fifo, fmt.Sprintf("ok stopped in %d ms", ms))
	case "start":
		if s.phase != "stopped" {
			if s.ready {
				reply(fifo, "ok already running")
			} else {
				s.pending = append(s.pending, pending{fifo, "start", t0})
			}
			return
		}
		logf("starting the cluster (request)")
		s.beginStart(true)
		s.pending = append(s.pending, pending{fifo, "start", t0})
	case "reset":
		s.reset(fifo, t0)
	case "freeze":
		// For the image build's snapshot: every component but etcd and the apiserver
		// stops, and the supervisor itself writes nothing more to the cluster.
		var others []string
		for _, n := range s.order {
			if n != "etcd" && n != "kube-apiserver" {
				others = append(others, n)
			}
		}
		s.resetAt = time.Time{}
		s.flushPending("error", "frozen before it was ready")
		s.stop(others, syscall.SIGTERM, 20*time.Second)
		s.phase = "frozen"
		s.setReady(false)
		s.writeState()
		reply(fifo, "ok frozen")
	case "ping":
		reply(fifo, "ok "+s.phase)
	default:
		reply(fifo, fmt.Sprintf("error unknown request '%s'", op))
	}
}

// reset brings the cluster back to its pristine state. With etcd and the apiserver up it is
// the soft reset (reset.go): nothing restarts. A stopped cluster is started first, on its data
// as it is, and reset softly once the apiserver answers. Only if that fails (etcd refusing
// writes past its quota, say) is the data replaced by the pristine copy and everything
// restarted: a node lab's real kubelet, containerd and kube-proxy then start from scratch.
func (s *supervisor) reset(fifo string, t0 time.Time) {
	logf("resetting the cluster to its pristine state (request)")
	s.phase = "resetting"
	s.setReady(false)
	s.writeState()
	for _, n := range s.order {
		cs := s.comps[n]
		cs.restarts, cs.exitCode, cs.finished, cs.prevStarted, cs.backoff, cs.dirty = 0, nil, time.Time{}, time.Time{}, 1, true
	}
	s.nodeUID = ""
	s.startAt = time.Now()
	s.pending = append(s.pending, pending{fifo, "reset", t0})
	if s.running("etcd") && s.running("kube-apiserver") && s.apiReady(time.Second) {
		s.finishReset(t0)
		return
	}
	logf("reset: the control plane is not up; starting it on its data first")
	s.beginStart(false)
	s.t0, s.resetAt, s.resetBy = t0, t0, time.Now().Add(60*time.Second)
}

// whileResetting: a reset that waits for the apiserver (see reset).
func (s *supervisor) whileResetting(now time.Time) {
	if s.apiReady(time.Second) {
		t0 := s.resetAt
		s.resetAt = time.Time{}
		s.finishReset(t0)
	} else if now.After(s.resetBy) {
		t0 := s.resetAt
		s.resetAt = time.Time{}
		s.hardReset(t0, fmt.Errorf("the apiserver did not answer within 60 s"))
	}
}

func (s *supervisor) finishReset(t0 time.Time) {
	dbg("reset: soft reset")
	if err := s.softReset(); err != nil {
		s.hardReset(t0, err)
		return
	}
	dbg("reset: keyspace restored")
	s.phase, s.t0 = "starting", t0
	s.writeState()
}

func (s *supervisor) hardReset(t0 time.Time, why error) {
	logf("reset: restarting the control plane on a copy of the pristine data (%v)", why)
	// The data is thrown away, so nothing needs a graceful stop.
	s.stop(nil, syscall.SIGKILL, 0)
	if err := restorePristine(s.plan); err != nil {
		logf("error: %v", err)
	}
	for _, n := range s.order {
		s.comps[n].started = time.Time{}
	}
	s.beginStart(false)
	s.t0 = t0
}

func restorePristine(p *Plan) error {
	if st, err := os.Stat(filepath.Join(p.Pristine, "etcd", "member")); err != nil || !st.IsDir() {
		return fmt.Errorf("no pristine snapshot in %s (run kubelab-cluster init first)", p.Pristine)
	}
	if err := os.RemoveAll(p.EtcdData); err != nil {
		return err
	}
	// cp keeps owners, modes and holes; etcd's files are sparse.
	if out, err := exec.Command("cp", "-a", "--sparse=always", filepath.Join(p.Pristine, "etcd"), p.EtcdData).CombinedOutput(); err != nil {
		return fmt.Errorf("restoring the pristine data: %v: %s", err, out)
	}
	return nil
}

// --- the loop -------------------------------------------------------------------------

// readRequests turns the control FIFO into lines. The FIFO is held open read-write, so a
// writer that closes never ends the stream, and a request split across two writes (or
// read in two parts) is one line all the same. A line longer than a request can be is
// dropped whole, with a note in the log, and reading goes on.
func readRequests(fifo string, out chan<- string) {
	f, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		logf("error: cannot open %s: %v", fifo, err)
		return
	}
	r := bufio.NewReaderSize(f, maxRequest)
	for {
		line, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			for err == bufio.ErrBufferFull {
				_, err = r.ReadSlice('\n')
			}
			logf("dropped a control request longer than %d bytes", maxRequest)
			continue
		}
		if err != nil {
			logf("error: reading %s: %v", fifo, err)
			return
		}
		out <- strings.TrimRight(string(line), "\n")
	}
}

const maxRequest = 4096

func (s *supervisor) run() int {
	control := filepath.Join(s.plan.RunDir, "control")
	_ = os.Remove(control)
	_ = os.Remove(filepath.Join(s.plan.RunDir, "ready"))
	if err := syscall.Mkfifo(control, 0o600); err != nil {
		logf("error: cannot make %s: %v", control, err)
		return 1
	}
	requests := make(chan string)
	go readRequests(control, requests)
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	signal.Ignore(syscall.SIGHUP)

	s.startAt = time.Now()
	logf("starting the cluster (node %s, apiserver %s, profile %s)", s.plan.Node, s.plan.APIServer, s.plan.Profile)
	s.beginStart(false)

	// 10 looks a second while starting (readiness is what every caller waits for), one a
	// second after: an idle lab's supervisor should cost nothing.
	tick := time.NewTimer(100 * time.Millisecond)
	defer tick.Stop()
loop:
	for {
		select {
		case <-sigs:
			break loop
		case line := <-requests:
			s.handle(line)
			if s.phase == "starting" {
				tick.Reset(100 * time.Millisecond) // a start or reset: look for readiness at once
			}
			continue
		case ev := <-s.exits:
			cs := s.comps[ev.name]
			if cs.p == ev.p && cs.status == "running" {
				pid := ev.p.cmd.Process.Pid
				s.crashed(cs, ev.p.code)
				dbg("%s (pid %d) reaped", ev.name, pid)
				s.writeState()
			}
			continue
		case <-tick.C:
		}
		s.tick(time.Now())
		if s.phase == "starting" {
			tick.Reset(100 * time.Millisecond)
		} else {
			tick.Reset(time.Second)
		}
	}

	logf("shutting down")
	s.phase = "stopping"
	s.setReady(false)
	s.writeState()
	s.stop(nil, syscall.SIGTERM, 5*time.Second)
	s.phase = "stopped"
	s.writeState()
	s.flushPending("error", "supervisor shut down")
	_ = os.Remove(control)
	_ = os.Remove(filepath.Join(s.plan.RunDir, "supervisor.pid"))
	return 0
}

func (s *supervisor) tick(now time.Time) {
	if s.phase == "stopped" || s.phase == "stopping" {
		return
	}
	s.restartDue(now)
	s.rotateLogs(now)
	switch {
	case s.phase == "starting" && !s.resetAt.IsZero():
		s.whileResetting(now)
	case s.phase == "starting":
		s.whileStarting(now)
	case s.phase == "running":
		s.keepAlive(now)
	}
}

func (s *supervisor) whileStarting(now time.Time) {
	if s.probeReady() {
		ms := now.Sub(s.t0).Milliseconds()
		s.readyMs = &ms
		s.phase = "running"
		s.setReady(true)
		s.writeState()
		s.flushPending("ok", "ready")
		logf("cluster ready in %d ms", ms)
		// The mirror pods get the processes' state right after: it is no condition of
		// readiness, and the callers waiting above should not wait for it.
		if s.plan.SimNode {
			s.ensureMirrorPods()
			s.syncMirrorStatus()
		}
		s.nextSync = now.Add(5 * time.Second)
		return
	}
	if now.Sub(s.t0) > 120*time.Second {
		logf("the cluster is not ready after 120 s; still trying")
		s.flushPending("error", "not ready")
		s.t0 = now
	}
}
