package main

// Timers fire in the order of their deadlines, so the output is sorted
// whatever the load on the machine.
func Example() {
	run(nil)
	// Output:
	// 1
	// 1
	// 2
	// 3
	// 4
	// 5
	// 6
	// 9
}
