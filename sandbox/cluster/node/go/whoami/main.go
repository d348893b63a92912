// whoami answers like traefik/whoami: the pod's hostname and addresses, then the request as
// it arrived (method, path, protocol, headers); on -port (80, or $WHOAMI_PORT_NUMBER).
// Its module is not served by the Go proxy, so kubelab carries this small one.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"sort"
)

func main() {
	port := flag.String("port", "80", "port to listen on")
	name := flag.String("name", os.Getenv("WHOAMI_NAME"), "name to report")
	flag.Parse()
	if env := os.Getenv("WHOAMI_PORT_NUMBER"); env != "" {
		*port = env
	}
	host, _ := os.Hostname()
	http.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		log.Printf("%s %s %s", r.RemoteAddr, r.Method, r.URL.RequestURI())
		if *name != "" {
			fmt.Fprintf(w, "Name: %s\n", *name)
		}
		fmt.Fprintf(w, "Hostname: %s\n", host)
		addrs, _ := net.InterfaceAddrs()
		for _, a := range addrs {
			if ipnet, ok := a.(*net.IPNet); ok {
				fmt.Fprintf(w, "IP: %s\n", ipnet.IP)
			}
		}
		fmt.Fprintf(w, "RemoteAddr: %s\n", r.RemoteAddr)
		fmt.Fprintf(w, "%s %s %s\n", r.Method, r.URL.RequestURI(), r.Proto)
		fmt.Fprintf(w, "Host: %s\n", r.Host)
		keys := make([]string, 0, len(r.Header))
		for k := range r.Header {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			for _, v := range r.Header[k] {
				fmt.Fprintf(w, "%s: %s\n", k, v)
			}
		}
	})
	log.Printf("Starting up on port %s", *port)
	log.Fatal(http.ListenAndServe(":"+*port, nil))
}
