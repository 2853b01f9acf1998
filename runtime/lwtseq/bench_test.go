package lwtseq

import (
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
)

var sink int

// The cost of one element of a sequence that is there at once: force a node
// of OfSlice and fold it.
func BenchmarkFoldOfSlice(b *testing.B) {
	b.ReportAllocs()
	xs := make([]int, b.N)
	b.ResetTimer()
	sink, _ = Fold(OfSlice(xs), 0, func(a, x int) int { return a + x }).Result()
}

// One element through a lazy pipeline: Map of Filter of Init, then IterS.
func BenchmarkPipeline(b *testing.B) {
	b.ReportAllocs()
	s := Map(Filter(Init(b.N, func(i int) int { return i }), func(int) bool { return true }),
		func(x int) int { return x + 1 })
	done := IterS(s, func(x int) lwt.Promise[lwt.Unit] { sink += x; return lwt.ReturnUnit() })
	if _, err := done.Result(); err != nil {
		b.Fatal(err)
	}
}
