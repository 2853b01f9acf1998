package lwtio_test

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwtio"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

// The walkthrough at the start of the Lwt manual: a thread reading a pipe
// sleeps until something is written. In Go the byte written stays in the
// output channel's buffer until it is flushed; the loop flushes it before it
// waits for events, so running the loop wakes the reader up. A byte prints as
// its number; %c shows the character.
func Example() {
	ic, oc, err := lwtio.Pipe()
	if err != nil {
		panic(err)
	}
	t := ic.ReadChar()
	fmt.Println(t.State())

	fmt.Println(oc.WriteChar('a').State())
	lwtmain.Run(t)
	fmt.Println(t.State())
	c, _ := t.Result()
	fmt.Printf("%c\n", c)
	// Output:
	// Sleep
	// Return ()
	// Return 97
	// a
}

// Reading lines: "\n" and "\r\n" both end a line, and the last line needs no
// end.
func ExampleInputChannel_ReadLine() {
	ic, oc, _ := lwtio.Pipe()
	oc.Write("one\r\ntwo\nthree")
	oc.Close()
	for {
		line, err := lwtmain.Run(ic.ReadLine())
		if err != nil {
			fmt.Println(err)
			break
		}
		fmt.Printf("%q\n", line)
	}
	// Output:
	// "one"
	// "two"
	// "three"
	// lwtio: end of file
}
