// hello-app answers like gcr.io/google-samples/hello-app (the GKE quickstart): on $PORT
// (8080), every path gets "Hello, world!", the version and the pod's hostname. The image's
// tag decides the version (-version), so 1.0 and 2.0 answer differently, as in rollouts.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	version := flag.String("version", "1.0.0", "version to report")
	flag.Parse()
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	host, _ := os.Hostname()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		log.Printf("Serving request: %s", r.URL.Path)
		fmt.Fprintf(w, "Hello, world!\nVersion: %s\nHostname: %s\n", *version, host)
	})
	log.Printf("Server listening on port %s", port)
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
