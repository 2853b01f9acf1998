package lwtio_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtio"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtstream"
)

// The manual's echo of one line: bind read_line to printlf. The line comes
// from a pipe here rather than from Stdin, and the answer goes to an output
// channel over os.Stdout (Stdout writes to descriptor 1 directly, which the
// example's test does not capture).
func Example_readLine() {
	stdout := lwtio.OfWriter(os.Stdout, lwtio.Options{})
	ic, oc, _ := lwtio.Pipe()
	oc.WriteLine("hello")
	echo := lwt.Bind(ic.ReadLine(), func(str string) lwt.Promise[lwt.Unit] {
		return stdout.Printlf("You typed %q", str)
	})
	lwtmain.Run(lwt.Bind(echo, func(lwt.Unit) lwt.Promise[lwt.Unit] { return stdout.Flush() }))
	// Output:
	// You typed "hello"
}

// Atomic keeps a sequence of writes together: the write started while the
// first line waits comes after the whole block.
func ExampleAtomic() {
	ic, oc, _ := lwtio.Pipe()
	block := lwtio.Atomic(oc, func(oc *lwtio.OutputChannel) lwt.Promise[lwt.Unit] {
		return lwt.Bind(oc.WriteLine("HTTP/1.1 200 OK"), func(lwt.Unit) lwt.Promise[lwt.Unit] {
			return lwt.Bind(oc.Flush(), func(lwt.Unit) lwt.Promise[lwt.Unit] {
				return oc.WriteLine("Content-Length: 0")
			})
		})
	})
	other := oc.WriteLine("not in the middle")
	lwtmain.Run(lwt.Join(block, other))
	oc.Close()
	all, _ := lwtmain.Run(ic.ReadAll())
	fmt.Print(all)
	// Output:
	// HTTP/1.1 200 OK
	// Content-Length: 0
	// not in the middle
}

// Binary numbers in both byte orders.
func ExampleByteOrder() {
	ic, oc, _ := lwtio.Pipe()
	lwtio.BE.WriteUint32(oc, 0xcafe)
	lwtio.LE.WriteInt16(oc, -2)
	oc.Close()
	hex, _ := lwtmain.Run(ic.Read(100))
	fmt.Printf("% x\n", hex)

	ic, oc, _ = lwtio.Pipe()
	oc.Write("\x00\x00\xca\xfe\xfe\xff")
	oc.Close()
	u, _ := lwtmain.Run(lwtio.BE.ReadUint32(ic))
	i, _ := lwtmain.Run(lwtio.LE.ReadInt16(ic))
	fmt.Printf("%#x %d\n", u, i)
	// Output:
	// 00 00 ca fe fe ff
	// 0xcafe -2
}

// Lines to a file and back, in a temporary directory removed at the end.
func ExampleLinesOfFile() {
	lines, err := lwtmain.Run(lwtio.WithTempDir("", "example-*", func(dir string) lwt.Promise[[]string] {
		path := filepath.Join(dir, "lines.txt")
		written := lwtio.LinesToFile(path, lwtstream.OfSlice([]string{"one", "two", "three"}))
		return lwt.Bind(written, func(lwt.Unit) lwt.Promise[[]string] {
			return lwtio.LinesOfFile(path).ToSlice()
		})
	}))
	fmt.Println(lines, err)
	// Output:
	// [one two three] <nil>
}

// Reading the lines of a channel as a stream.
func ExampleInputChannel_ReadLines() {
	ic, oc, _ := lwtio.Pipe()
	oc.Write("alpha\nbeta\r\ngamma")
	oc.Close()
	n := 0
	done := lwtstream.Iter(ic.ReadLines(), func(line string) {
		n++
		fmt.Println(n, line)
	})
	lwtmain.Run(done)
	// Output:
	// 1 alpha
	// 2 beta
	// 3 gamma
}

// A temporary file: written, measured, then removed with its channel closed.
func ExampleWithTempFile() {
	size, _ := lwtmain.Run(lwtio.WithTempFile("", "", lwtio.FileOptions{}, func(path string, oc *lwtio.OutputChannel) lwt.Promise[int64] {
		return lwt.Bind(oc.Write("twelve bytes"), func(lwt.Unit) lwt.Promise[int64] { return oc.Length() })
	}))
	fmt.Println(size)
	// Output:
	// 12
}

// A log.Logger writing into a channel from the loop: Write only buffers, and
// the channel is flushed like any other.
func ExampleOutputChannel_Writer() {
	oc := lwtio.OfWriter(os.Stdout, lwtio.Options{})
	logger := log.New(oc.Writer(), "app: ", 0)
	logger.Println("started")
	logger.Printf("%d workers", 4)
	lwtmain.Run(oc.Flush())
	// Output:
	// app: started
	// app: 4 workers
}

// Position and SetPosition on a channel that can seek.
func ExampleInputChannel_SetPosition() {
	ic := lwtio.OfBytes([]byte("0123456789"), lwtio.Options{})
	s, _ := lwtmain.Run(ic.Read(3))
	fmt.Println(s, ic.Position())
	lwtmain.Run(ic.SetPosition(8))
	s, _ = lwtmain.Run(ic.ReadAll())
	n, _ := lwtmain.Run(ic.Length())
	fmt.Println(s, ic.Position(), n)
	// Output:
	// 012 3
	// 89 10 10
}
