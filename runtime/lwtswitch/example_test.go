package lwtswitch_test

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtswitch"
)

// open stands for a function that opens a resource and ties its release to
// the caller's switch.
func open(name string, sw *lwtswitch.Switch) lwt.Promise[string] {
	fmt.Println("open", name)
	err := sw.AddHook(func() lwt.Promise[lwt.Unit] {
		fmt.Println("close", name)
		return lwt.ReturnUnit()
	})
	if err != nil {
		return lwt.Fail[string](err)
	}
	return lwt.Return(name)
}

func Example() {
	p := lwtswitch.WithSwitch(func(sw *lwtswitch.Switch) lwt.Promise[string] {
		return lwt.Bind(open("db", sw), func(db string) lwt.Promise[string] {
			return lwt.Map(open("log", sw), func(log string) string {
				return "used " + db + " and " + log
			})
		})
	})
	fmt.Println(p)

	off := lwtswitch.New()
	off.TurnOff()
	fmt.Println(open("late", off))
	// Output:
	// open db
	// open log
	// close log
	// close db
	// Return used db and log
	// open late
	// Fail lwtswitch: switch is off
}
