package lwt

import (
	"errors"
	"fmt"
	"runtime/debug"
)

// ErrCanceled is the failure of a canceled promise: Lwt's Canceled.
var ErrCanceled = errors.New("lwt: canceled")

// ErrSleeping is what [Promise.Result] returns for a promise that is still
// pending.
var ErrSleeping = errors.New("lwt: promise is sleeping")

// ErrAssert is wrapped by the failure of a failed [Assert].
var ErrAssert = errors.New("lwt: assertion failed")

func isCanceled(err error) bool {
	return err == ErrCanceled || err != nil && errors.Is(err, ErrCanceled)
}

// PanicError is the failure of a promise whose callback panicked. It keeps
// the panic value and the stack of the panicking goroutine; if the value is
// an error, errors.Is and errors.As see through to it.
type PanicError struct {
	Value any
	Stack []byte
}

func newPanicError(v any) error {
	if pe, ok := v.(*PanicError); ok {
		return pe // re-panicked failure: keep the original stack
	}
	return &PanicError{Value: v, Stack: debug.Stack()}
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// Unwrap returns the panic value if it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// Format prints the stack too with %+v.
func (e *PanicError) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('+') {
		fmt.Fprintf(f, "panic: %v\n\n%s", e.Value, e.Stack)
		return
	}
	fmt.Fprint(f, e.Error())
}
