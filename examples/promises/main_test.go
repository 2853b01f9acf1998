package main

// The walkthrough prints what the Lwt manual shows.
func Example() {
	main()
	// Output:
	// -- a thread reading a pipe
	// Sleep
	// Return ()
	// Return 97: 'a'
	// -- states
	// Return 42
	// Fail Exit
	// Sleep
	// Return 42
	// -- bind
	// Sleep
	// Return You typed "hello"
	// -- cancel reaches the task under a bind
	// Fail lwt: canceled
	// Fail lwt: canceled
	// -- choose
	// Sleep
	// Return 42
	// -- thread-local keys
	// main: both threads wait
	// thread 1: foo
	// thread 2: bar
	// Return ()
}
