//go:build lwtsource

// Command backtrace shows an async backtrace: a failure raised three
// annotated functions deep, passed on by each await. Run it in a debug build
// to see the sites:
//
//	go run -tags lwtdebug ./examples/backtrace
//
// A default build prints the failure alone: tracing is compiled away.
package main

//go:generate go tool lwtgen

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/lwtgo/lwt/debugtrace"
	"github.com/lwtgo/lwt/runtime/lwt"
)

var errBadConfig = errors.New("bad config")

// parse fails on what it cannot read.
//
//lwt:async
func parse(text string) lwt.Promise[int] {
	n, err := strconv.Atoi(text)
	if err != nil {
		return lwt.Fail[int](errBadConfig)
	}
	return lwt.Return(n)
}

// load waits for the text, then parses it.
//
//lwt:async
func load(text lwt.Promise[string]) lwt.Promise[int] {
	return lwt.Return(lwt.Await(parse(lwt.Await(text))) + 1)
}

// start loads the configuration and reports.
//
//lwt:async
func start(text lwt.Promise[string]) lwt.Promise[string] {
	n := lwt.Await(load(text))
	return lwt.Return(fmt.Sprint("started with ", n))
}

func main() {
	text, arrive := lwt.Wait[string]()
	p := start(text)
	debugtrace.Dump(os.Stdout) // in a debug build: start and load wait
	lwt.Wakeup(arrive, "forty-two")
	_, err := p.Result()
	fmt.Printf("%+v\n", err)
	fmt.Println("is errBadConfig:", errors.Is(err, errBadConfig))
}
