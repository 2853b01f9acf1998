package lwtstream_test

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtstream"
)

// The manual's first snippet: elements pushed to a stream are read in
// order; once they are consumed, the next read sleeps until a push.
func Example() {
	stream, push := lwtstream.Create[int]()
	push.Push(1)
	push.Push(2)
	push.Push(3)
	fmt.Println(stream.Next().State())
	fmt.Println(stream.Next().State())
	fmt.Println(stream.Next().State())
	fmt.Println(stream.Next().State())
	// Output:
	// Return 1
	// Return 2
	// Return 3
	// Sleep
}

// The manual's second snippet: a clone reads the same elements as the
// stream it was cloned from, independently.
func ExampleStream_Clone() {
	s := lwtstream.OfSlice([]int{1, 2})
	s2 := s.Clone()
	fmt.Println(s.Next().State())
	fmt.Println(s.Next().State())
	fmt.Println(s2.Next().State())
	fmt.Println(s2.Next().State())
	// Output:
	// Return 1
	// Return 2
	// Return 1
	// Return 2
}

// A bounded stream of capacity 3: the fourth push waits for a read, a fifth
// fails while it waits.
func ExampleCreateBounded() {
	s, push := lwtstream.CreateBounded[int](3)
	for i := 1; i <= 3; i++ {
		push.Push(i)
	}
	fourth := push.Push(4)
	fmt.Println("4th push:", fourth)
	fmt.Println("5th push:", push.Push(5))
	fmt.Println("read:", s.Next())
	fmt.Println("4th push:", fourth)
	push.Close()
	fmt.Println("rest:", s.ToSlice())
	// Output:
	// 4th push: Sleep
	// 5th push: Fail lwtstream: stream full
	// read: Return 1
	// 4th push: Return ()
	// rest: Return [2 3 4]
}

// A stream made from a function, transformed and consumed by a sequential
// iteration.
func ExampleIterS() {
	n := 0
	counter := lwtstream.FromDirect(func() (int, bool) {
		n++
		return n, n <= 5
	})
	squares := lwtstream.Map(counter, func(x int) int { return x * x })
	done := lwtstream.IterS(squares, func(x int) lwt.Promise[lwt.Unit] {
		fmt.Println(x)
		return lwt.ReturnUnit()
	})
	fmt.Println(done)
	// Output:
	// 1
	// 4
	// 9
	// 16
	// 25
	// Return ()
}

func ExampleHexdump() {
	lines := lwtstream.Hexdump(lwtstream.OfString("Hello, streams!\n"))
	all, _ := lines.ToSlice().Result()
	for _, l := range all {
		fmt.Println(l)
	}
	// Output:
	// 00000000|  48 65 6c 6c 6f 2c 20 73  74 72 65 61 6d 73 21 0a  |Hello, streams!.|
}
