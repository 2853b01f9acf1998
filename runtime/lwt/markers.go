package lwt

// The functions in this file are the source language of lwtgen. They only
// mark where an annotated function (//lwt:async, in a file built with the
// lwtsource tag) waits; lwtgen rewrites every call. Called anywhere else they
// panic.

const notRewritten = " was called in code that lwtgen has not rewritten: " +
	"run go generate (or lwtgen) on this package, and build without -tags=lwtsource"

// Await waits for p and returns its value; if p fails, the annotated function
// fails with the same error. Lwt's "lwt x = p in".
func Await[T any](p Promise[T]) T { panic("lwt.Await" + notRewritten) }

// Await2 waits for a and b, made before either is awaited: Lwt's
// "lwt x = a and y = b in".
func Await2[A, B any](a Promise[A], b Promise[B]) (A, B) { panic("lwt.Await2" + notRewritten) }

// Await3 is [Await2] for three promises.
func Await3[A, B, C any](a Promise[A], b Promise[B], c Promise[C]) (A, B, C) {
	panic("lwt.Await3" + notRewritten)
}

// AwaitAll waits for every promise of ps, in order, and returns their values.
func AwaitAll[T any](ps ...Promise[T]) []T { panic("lwt.AwaitAll" + notRewritten) }

// Try waits for p and returns its value or its error instead of failing the
// annotated function; a panic while evaluating p is caught too. Lwt's
// try_lwt.
func Try[T any](p Promise[T]) (T, error) { panic("lwt.Try" + notRewritten) }

// Assert fails the annotated function with an error wrapping [ErrAssert] and
// naming the site if cond is false: Lwt's assert_lwt.
func Assert(cond bool) { panic("lwt.Assert" + notRewritten) }
