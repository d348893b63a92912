// http-echo answers like hashicorp/http-echo: every request gets the -text given on the
// command line (and a newline), /health answers {"status":"ok"}; it listens on -listen
// (:5678). Its module is not served by the Go proxy, so kubelab carries this small one.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	text := flag.String("text", "", "text to put on the webpage")
	listen := flag.String("listen", ":5678", "address and port to listen")
	flag.Parse()
	if *text == "" {
		if env := os.Getenv("ECHO_TEXT"); env != "" {
			*text = env
		} else {
			fmt.Fprintln(os.Stderr, "Missing -text option!")
			os.Exit(127)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintln(w, `{"status":"ok"}`)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		log.Printf("%s %s %s %s", r.Host, r.RemoteAddr, r.Method, r.URL.Path)
		w.Header().Set("X-App-Name", "http-echo")
		fmt.Fprintln(w, *text)
	})
	log.Printf("[INFO] server is listening on %s", *listen)
	log.Fatal(http.ListenAndServe(*listen, mux))
}
