// node-hello answers like gcr.io/google-samples/node-hello (a Node.js hello server of the
// Kubernetes and GKE docs): on port 8080, every request gets "Hello Kubernetes!", and the log
// shows one line per request with its URL.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	log.SetFlags(0)
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		log.Printf("Received request for URL: %s", r.URL.RequestURI())
		fmt.Fprint(w, "Hello Kubernetes!")
	})
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
