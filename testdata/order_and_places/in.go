//go:build lwtsource

package main

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

var flagA, flagB = true, true
var calls []string

func later(v int) lwt.Promise[int] {
	return lwt.Map(lwt.Pause(), func(lwt.Unit) int { flagA = !flagA; calls = append(calls, fmt.Sprint("later", v)); return v })
}
func laterB(b bool) lwt.Promise[bool] {
	return lwt.Map(lwt.Pause(), func(lwt.Unit) bool { flagB = !flagB; return b })
}
func f(k int) int { calls = append(calls, fmt.Sprint("f", k)); return k }

type cell struct{ n int }

func (c *cell) inc(d int) { c.n += d }

type box struct{ arr [3]cell }

func pick(k int) *cell { calls = append(calls, fmt.Sprint("pick", k)); return &cells[k] }

var cells [3]cell

//lwt:async
func run() lwt.Promise[string] {
	out := ""
	// A: switch on an await inside a lowered switch
	for i := range 3 {
		switch lwt.Await(later(i)) {
		case 0:
			switch lwt.Await(later(10 + i)) {
			case 10:
				out += "a"
				break
			}
			out += "b"
		case 1:
			var x any = i
			switch x.(type) {
			case int:
				if i == 1 {
					break
				}
				out += "never"
			}
			out += "c"
			lwt.Await(later(20))
		default:
			switch y := any(lwt.Await(later(i))); y.(type) {
			case int:
				break
			}
			out += "d"
		}
		out += "|"
	}
	// B: targets through calls
	m := map[int]int{}
	m[f(1)] = lwt.Await(later(2))
	var b box
	bs := []box{b, b}
	bs[f(1)].arr[f(2)].n += lwt.Await(later(3))
	*pick(f(0)) = cell{lwt.Await(later(4))}
	xs := []cell{{}, {}}
	xs[f(0)].n, xs[f(1)].n = lwt.Await2(later(5), later(6))
	ys := []int{0, 0}
	var err error
	ys[f(1)], err = lwt.Try(later(7))
	// C: arrays through calls
	grid := [][3]int{{1, 2, 3}, {4, 5, 6}}
	row := grid[f(1)][:lwt.Await(later(2))]
	row[0] = 40
	ptr := &bs[f(0)].arr[lwt.Await(later(1))]
	ptr.n = 99
	bs[f(1)].arr[f(0)].inc(lwt.Await(later(8)))
	// D: logical operands
	s1 := fmt.Sprint(flagA && flagB, lwt.Await(later(9)), flagA || !flagB)
	s2 := []bool{!(flagA && flagB), lwt.Await(laterB(true)) && flagB}
	mm := map[bool]int{flagA && flagB: lwt.Await(later(1))}
	// E: labeled switch left by break L, code after it
	n := 0
L:
	switch lwt.Await(later(3)) {
	case 3:
		for j := 0; j < 5; j++ {
			if j == 2 {
				break L
			}
			n += j
		}
		return lwt.Return("not here")
	default:
		return lwt.Return("nor here")
	}
	n += 100
	return lwt.Return(fmt.Sprint(out, m, bs, cells, xs, ys, err, grid, ptr.n, s1, s2, mm, n, calls))
}

func main() {
	fmt.Println(lwtmain.Run(run()))
}
