//go:build lwtsource

package main

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
)

func handle() {
	if x := recover(); x != nil {
		fmt.Println("recovered", x)
	}
}

type guard struct{}

func (guard) catch() { fmt.Println(recover()) }

// indirect only calls recover through a literal: that recover() returns nil
// in Go as well, so deferring it is fine.
func indirect() {
	func() { recover() }()
}

//lwt:async
func work(p lwt.Promise[int]) lwt.Promise[int] {
	defer handle()
	defer guard{}.catch()
	defer indirect()
	return lwt.Return(lwt.Await(p))
}

func main() { work(lwt.Return(1)) }
