package lwtresult_test

import (
	"errors"
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtresult"
)

var errNoUser = errors.New("no such user")

func lookup(name string) lwtresult.Promise[int] {
	if name == "ada" {
		return lwtresult.Return(36)
	}
	return lwtresult.Fail[int](errNoUser)
}

// An expected error travels as a value: the caller sees it in the Result,
// and Bind skips the steps after it.
func Example() {
	describe := func(name string) lwtresult.Promise[string] {
		return lwtresult.Bind(lookup(name), func(age int) lwtresult.Promise[string] {
			return lwtresult.Return(fmt.Sprintf("%s is %d", name, age))
		})
	}
	fmt.Println(describe("ada"))
	fmt.Println(describe("bob"))

	r, _ := describe("bob").Result()
	fmt.Println(errors.Is(r.Err, errNoUser))

	// Catch turns a failure into an Error, GetExn turns it back.
	caught := lwtresult.Catch(func() lwt.Promise[int] { return lwt.Fail[int](errors.New("boom")) })
	fmt.Println(caught, lwtresult.GetExn(caught))
	// Output:
	// Return Ok ada is 36
	// Return Error no such user
	// true
	// Return Error boom Fail boom
}
