// podinfo answers like stefanprodan/podinfo on port 9898 (--port): / returns its JSON
// (hostname, version, message, runtime), /healthz and /readyz {"status":"OK"}, /version,
// /env and /headers; PODINFO_UI_MESSAGE and PODINFO_UI_COLOR as in podinfo. Its module is not
// served by the Go proxy, so kubelab carries this small one with the same API surface.
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"os"
	"runtime"
	"strconv"
)

func main() {
	port := flag.Int("port", 9898, "HTTP port")
	version := flag.String("version", "6.5.4", "version to report")
	flag.Parse()
	host, _ := os.Hostname()
	message := os.Getenv("PODINFO_UI_MESSAGE")
	if message == "" {
		message = "greetings from podinfo v" + *version
	}
	color := os.Getenv("PODINFO_UI_COLOR")
	if color == "" {
		color = "#34577c"
	}
	reply := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(v)
	}
	status := func(w http.ResponseWriter, r *http.Request) { reply(w, map[string]string{"status": "OK"}) }
	http.HandleFunc("/healthz", status)
	http.HandleFunc("/readyz", status)
	http.HandleFunc("/version", func(w http.ResponseWriter, r *http.Request) {
		reply(w, map[string]string{"commit": "kubelab", "version": *version})
	})
	http.HandleFunc("/env", func(w http.ResponseWriter, r *http.Request) { reply(w, os.Environ()) })
	http.HandleFunc("/headers", func(w http.ResponseWriter, r *http.Request) { reply(w, r.Header) })
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		log.Printf("request %s %s from %s", r.Method, r.URL.Path, r.RemoteAddr)
		reply(w, map[string]string{
			"hostname": host, "version": *version, "revision": "kubelab", "color": color, "logo": "",
			"message": message, "goos": runtime.GOOS, "goarch": runtime.GOARCH, "runtime": runtime.Version(),
			"num_goroutine": strconv.Itoa(runtime.NumGoroutine()), "num_cpu": strconv.Itoa(runtime.NumCPU()),
		})
	})
	log.Printf("Starting podinfo on port %d", *port)
	log.Fatal(http.ListenAndServe(":"+strconv.Itoa(*port), nil))
}
