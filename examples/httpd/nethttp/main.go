// Command nethttp is the net/http twin of examples/httpd: the same answer,
// "Hello, world!", from Go's standard server, for the benchmark in
// BENCHMARKS.md.
//
//	go run ./examples/httpd/nethttp -addr 127.0.0.1:8081
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
)

func main() {
	address := flag.String("addr", "127.0.0.1:8081", "address to listen on")
	flag.Parse()
	ln, err := net.Listen("tcp", *address)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nethttp:", err)
		os.Exit(1)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	hello := []byte("Hello, world!")
	err = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(hello)
	}))
	fmt.Fprintln(os.Stderr, "nethttp:", err)
	os.Exit(1)
}
