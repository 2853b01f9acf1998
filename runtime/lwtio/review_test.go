package lwtio_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtio"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// A socket given in the options belongs to the connection or server from
// the call on (its failures close it): an invalid buffer size, refused
// before anything else, closes it too.
func TestBadBufferSizeClosesGivenSocket(t *testing.T) {
	addr := &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}
	for _, name := range []string{"OpenConnection", "EstablishServer"} {
		fd, err := lwtunix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
		if err != nil {
			t.Fatal(err)
		}
		if name == "OpenConnection" {
			_, err = lwtmain.Run(lwtio.OpenConnection(addr, lwtio.ConnOptions{FD: fd, BufferSize: 1}))
		} else {
			_, err = lwtmain.Run(lwtio.EstablishServer(addr, lwtio.ServerOptions{FD: fd, BufferSize: 1}, echoLines))
		}
		if !errors.Is(err, lwtio.ErrBufferSize) {
			t.Fatalf("%s: %v, want ErrBufferSize", name, err)
		}
		if err := fd.Close(); !errors.Is(err, lwtunix.ErrClosed) {
			fd.Close()
			t.Errorf("%s left the socket it was given open (Close: %v)", name, err)
		}
	}
}

// Canceling a flush whose write runs as a job (a descriptor in blocking
// mode: files, the standard descriptors) must not lose track of what the
// job wrote: flushing again then sends each byte once.
func TestCancelBlockingFlushNoDuplicate(t *testing.T) {
	r, w, err := lwtunix.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := w.SetBlocking(true); err != nil {
		t.Fatal(err)
	}
	const pre, size = 60 << 10, 100 << 10
	if n, err := unix.Write(w.Unix(), make([]byte, pre)); err != nil || n != pre {
		t.Fatalf("prefill: %d, %v", n, err)
	}
	oc := lwtio.NewOutput(w, lwtio.Options{BufferSize: 2 * size})
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i % 251)
	}
	main := func() lwt.Promise[lwt.Unit] {
		oc.WriteFromExactly(data)
		flush := oc.Flush() // the job's write blocks: the pipe is nearly full
		return lwt.Bind(lwtunix.Sleep(50*time.Millisecond), func(lwt.Unit) lwt.Promise[lwt.Unit] {
			lwt.Cancel(flush)
			// Drain the pipe meanwhile, on another thread.
			done := make(chan int)
			go func() {
				total := 0
				buf := make([]byte, 64<<10)
				unix.SetNonblock(r.Unix(), false)
				for {
					n, err := unix.Read(r.Unix(), buf)
					if n <= 0 || err != nil {
						break
					}
					total += n
				}
				done <- total
			}()
			return lwt.Bind(lwt.Catch(oc.Close, func(error) lwt.Promise[lwt.Unit] { return lwt.ReturnUnit() }),
				func(lwt.Unit) lwt.Promise[lwt.Unit] {
					if got := <-done; got != pre+size {
						return lwt.Fail[lwt.Unit](fmt.Errorf("read %d bytes from the pipe, want %d", got, pre+size))
					}
					return lwt.ReturnUnit()
				})
		})
	}
	if _, err := lwtmain.Run(main()); err != nil {
		t.Error(err)
	}
}
