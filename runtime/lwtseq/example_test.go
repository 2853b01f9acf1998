package lwtseq_test

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtseq"
)

// A sequence is computed only as it is forced, one node at a time.
func Example() {
	naturals := lwtseq.Unfold(1, func(n int) (int, int, bool) { return n, n + 1, true })
	squares := lwtseq.Map(naturals, func(n int) int {
		fmt.Println("squaring", n)
		return n * n
	})
	odd := lwtseq.Filter(squares, func(n int) bool { return n%2 == 1 })

	first := odd() // forces nodes up to the first element kept
	fmt.Println(first.State())
	n, _ := first.Result()
	fmt.Println(n.Next().State())
	// Output:
	// squaring 1
	// Return Cons 1
	// squaring 2
	// squaring 3
	// Return Cons 9
}

// A node can wait: here each element is the value of a promise, and the
// consumer sees them as they are fulfilled.
func ExampleConsLwt() {
	a, wakeA := lwt.Wait[string]()
	b, wakeB := lwt.Wait[string]()
	s := lwtseq.ConsLwt(a, lwtseq.ConsLwt(b, nil))
	all := lwtseq.ToSlice(s)
	fmt.Println(all)
	lwt.Wakeup(wakeA, "hello")
	fmt.Println(all)
	lwt.Wakeup(wakeB, "world")
	fmt.Println(all)
	// Output:
	// Sleep
	// Sleep
	// Return [hello world]
}
