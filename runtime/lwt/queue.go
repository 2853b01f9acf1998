package lwt

// MaxNesting is how deep callbacks may nest on the Go stack. Up to this depth
// a resolution runs what it unblocks directly, as Lwt does; past it, the work
// is queued and run before the outermost callback returns. That keeps
// resolution synchronous for every caller outside callbacks while no chain of
// any length can overflow the stack.
const MaxNesting = 64

// runner is an entry of the run queue.
type runner interface{ run() }

// The runtime is single-threaded, so its state is package-level.
var (
	depth   int         // callbacks currently nested on the stack
	queue   []runner    // deferred work, FIFO; drained when depth returns to 0
	head    int         // next entry of queue to run
	current *binding    // keys in effect (see WithValue)
	hook    func(error) = defaultAsyncHook
)

// dispatch runs r now, nested in the current callback, or queues it.
func dispatch(r runner, later bool) {
	switch {
	case depth == 0:
		outermost(r)
	case later || depth >= MaxNesting:
		queue = append(queue, r)
	default:
		depth++
		r.run()
		depth--
	}
}

// outermost runs r and then everything it queued, at depth 1.
func outermost(r runner) {
	depth = 1
	defer resetDepth() // a panicking async hook must not wedge the runtime
	r.run()
	drain()
}

func resetDepth() { depth = 0 }

// drain runs the queue to exhaustion, in order. Called at depth 1.
func drain() {
	for head < len(queue) {
		r := queue[head]
		queue[head] = nil
		head++
		r.run()
		// Work that keeps queueing more (two threads handing over to each
		// other) must not grow the slice: slide the live part down once
		// the consumed part is the larger.
		if head > 64 && head*2 > len(queue) {
			n := copy(queue, queue[head:])
			clear(queue[n:len(queue)])
			queue, head = queue[:n], 0
		}
	}
	queue, head = queue[:0], 0
}

// drainOutermost drains the queue from depth 0.
func drainOutermost() {
	depth = 1
	defer resetDepth()
	drain()
}
