package lwtlist

import (
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
)

var xs1000 = make([]int, 1000)

func double(x int) lwt.Promise[int] { return lwt.Return(2 * x) }

// Per element of a sequential map over resolved promises.
func BenchmarkMapS(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		MapS(xs1000, double)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(xs1000)), "ns/elem")
}

// Per element of a parallel map over resolved promises.
func BenchmarkMapP(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		MapP(xs1000, double)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(xs1000)), "ns/elem")
}
