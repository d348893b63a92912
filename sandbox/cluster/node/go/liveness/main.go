// liveness behaves like registry.k8s.io/liveness (the Kubernetes docs' probe example): its
// /healthz answers 200 for the first 10 seconds after the start and 500 after that, so a
// liveness probe on it restarts the container; every other path answers 200. Port 8080.
package main

import (
	"fmt"
	"log"
	"net/http"
	"time"
)

func main() {
	started := time.Now()
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		if d := time.Since(started); d > 10*time.Second {
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, "error: %v", d.Seconds())
			return
		}
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, "ok")
	})
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") })
	log.Fatal(http.ListenAndServe(":8080", nil))
}
