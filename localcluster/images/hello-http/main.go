// Command hello-http answers every request with the name of the instance that
// served it, so a test can see which pod behind a Service or Ingress answered.
//
//	GET /         "hello from <hostname>", then GREETING if it is set
//	GET /env      every environment variable, sorted
//	GET /healthz  "ok"
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"sort"
	"strings"
)

func main() {
	hostname, _ := os.Hostname()
	port := envOr("PORT", "8080")
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from %s\n", hostname)
		if greeting := os.Getenv("GREETING"); greeting != "" {
			fmt.Fprintf(w, "GREETING=%s\n", greeting)
		}
	})
	http.HandleFunc("/env", func(w http.ResponseWriter, r *http.Request) {
		variables := os.Environ()
		sort.Strings(variables)
		fmt.Fprintln(w, strings.Join(variables, "\n"))
	})
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	log.Printf("hello-http %s listening on :%s", hostname, port)
	log.Fatal(http.ListenAndServe(":"+port, nil))
}

func envOr(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}
