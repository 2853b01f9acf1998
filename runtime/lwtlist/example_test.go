package lwtlist_test

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtlist"
)

// fetch stands for a request that completes later: it logs when it starts
// and resolves when the returned resolver is woken.
func fetch(log *[]string, replies map[string]lwt.Resolver[int]) func(string) lwt.Promise[int] {
	return func(url string) lwt.Promise[int] {
		*log = append(*log, "start "+url)
		p, r := lwt.Wait[int]()
		replies[url] = r
		return p
	}
}

// MapS starts a request only once the previous one is answered; MapP starts
// them all at once. Both give the answers in the order of the urls.
func Example() {
	urls := []string{"a", "b"}
	for _, mapper := range []struct {
		name string
		m    func([]string, func(string) lwt.Promise[int]) lwt.Promise[[]int]
	}{{"MapS", lwtlist.MapS[string, int]}, {"MapP", lwtlist.MapP[string, int]}} {
		var log []string
		replies := map[string]lwt.Resolver[int]{}
		sizes := mapper.m(urls, fetch(&log, replies))
		fmt.Println(mapper.name, log)
		lwt.Wakeup(replies["a"], 10)
		fmt.Println(mapper.name, log)
		lwt.Wakeup(replies["b"], 20)
		fmt.Println(mapper.name, sizes)
	}
	// Output:
	// MapS [start a]
	// MapS [start a start b]
	// MapS Return [10 20]
	// MapP [start a start b]
	// MapP [start a start b]
	// MapP Return [10 20]
}

// At most two requests are in flight.
func ExampleIterN() {
	var pending []lwt.Resolver[lwt.Unit]
	done := lwtlist.IterN([]int{1, 2, 3, 4}, 2, func(n int) lwt.Promise[lwt.Unit] {
		fmt.Println("start", n)
		p, r := lwt.Wait[lwt.Unit]()
		pending = append(pending, r)
		return p
	})
	for i := 0; i < len(pending); i++ {
		fmt.Println("finish", i+1)
		lwt.Wakeup(pending[i], lwt.Unit{})
	}
	fmt.Println(done)
	// Output:
	// start 1
	// start 2
	// finish 1
	// start 3
	// finish 2
	// start 4
	// finish 3
	// finish 4
	// Return ()
}
