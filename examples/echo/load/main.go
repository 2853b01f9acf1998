// Command load drives an echo server for the benchmark in BENCHMARKS.md:
// conns connections each send a chunk, read it back, and start again, for
// a while; it prints the bytes echoed per second.
//
//	go run ./examples/echo/load -conns 50 -chunk 16384 -time 10s 127.0.0.1:7000
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	conns := flag.Int("conns", 50, "connections")
	chunk := flag.Int("chunk", 16<<10, "bytes sent before reading them back")
	length := flag.Duration("time", 10*time.Second, "how long to run")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: load [flags] HOST:PORT")
		os.Exit(2)
	}
	msg := bytes.Repeat([]byte("x"), *chunk)
	var total atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(*length)
	for range *conns {
		c, err := net.Dial("tcp", flag.Arg(0))
		if err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
		wg.Go(func() {
			defer c.Close()
			buf := make([]byte, *chunk)
			for time.Now().Before(deadline) {
				if _, err := c.Write(msg); err != nil {
					fmt.Fprintln(os.Stderr, "load:", err)
					return
				}
				if _, err := io.ReadFull(c, buf); err != nil {
					fmt.Fprintln(os.Stderr, "load:", err)
					return
				}
				total.Add(int64(*chunk))
			}
		})
	}
	wg.Wait()
	fmt.Printf("%.1f MB/s\n", float64(total.Load())/length.Seconds()/1e6)
}
