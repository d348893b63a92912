// kubernetes-bootcamp answers like the image of the Kubernetes Basics tutorial
// (gcr.io/google-samples/kubernetes-bootcamp, jocatalin/kubernetes-bootcamp): on port 8080,
// every request gets "Hello Kubernetes bootcamp! | Running on: <pod name> | v=<version>", and
// the log shows the start and one line per request with the request count and the uptime,
// which the tutorial reads with `kubectl logs`. The image's tag decides the version
// (-version), so v1 and v2 answer differently after `kubectl set image`.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"sync/atomic"
	"time"
)

func main() {
	version := flag.String("version", "1", "version to report after v=")
	flag.Parse()
	log.SetFlags(0)
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	host := os.Getenv("HOSTNAME")
	if host == "" {
		host, _ = os.Hostname()
	}
	started := time.Now()
	var requests atomic.Int64
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "Hello Kubernetes bootcamp! | Running on: %s | v=%s\n", host, *version)
		log.Printf("Running On: %s | Total Requests: %d | App Uptime: %.3f seconds | Log Time: %s",
			host, requests.Add(1), time.Since(started).Seconds(), time.Now().UTC().Format(time.RFC1123))
	})
	log.Printf("Kubernetes Bootcamp App Started At: %s | Running On: %s", started.UTC().Format(time.RFC1123), host)
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
