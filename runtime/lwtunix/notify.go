package lwtunix

import (
	"encoding/binary"
	"fmt"
	"os"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/engine"
)

// Notifications are how other goroutines (and C threads, through package
// cnotify) reach the loop. A sender appends the id to a queue under a mutex
// and, when the queue was empty, writes an eventfd; that eventfd is
// registered as a readable event with the engine in use while at least one
// notification (or job) is live, so that the loop is woken and drains the
// queue from the engine's callback. Sending costs no allocation, and one
// write(2) per batch: senders that find the queue non-empty only append.

// notifier is the loop's side of a notification.
type notifier struct {
	f    func()
	once bool
}

var notifications struct {
	// Owned by the loop.
	table  map[int]notifier
	lastID int
	refs   int           // live notifications, and jobs: reasons to watch fd
	ev     *engine.Event // the readable event on fd, while refs > 0
	spare  []int         // the queue's other buffer, swapped in by deliver

	// Shared with the senders.
	mu      sync.Mutex
	pending []int
	fd      int // the eventfd; -1 until the first notification is made
}

func init() { notifications.fd = -1 }

var eventfdOne = binary.NativeEndian.AppendUint64(nil, 1)

// MakeNotification registers f to be called on the loop each time the
// notification it returns is sent with [SendNotification]:
// Lwt_unix.make_notification. If once is set, the notification is stopped
// after its first delivery, and later sends of its id are ignored.
//
// MakeNotification and [StopNotification] belong to the goroutine that runs
// the loop. While a notification is live, a descriptor (an eventfd) is
// registered with the engine in use; it is unregistered when the last one is
// stopped. The eventfd itself is made on first use and kept for the life of
// the process, like the engine's own.
func MakeNotification(f func(), once bool) (id int) {
	if f == nil {
		panic("lwtunix.MakeNotification: nil function")
	}
	n := &notifications
	if n.table == nil {
		n.table = make(map[int]notifier)
	}
	n.lastID++
	n.table[n.lastID] = notifier{f: f, once: once}
	retainNotifications()
	return n.lastID
}

// The internal notifications have negative ids, outside the table, and
// manage their own reference to the eventfd (jobs hold one while any runs).
const jobsNotification = -1

// internalNotification calls the function of an internal notification.
func internalNotification(id int) {
	switch id {
	case jobsNotification:
		finishJobs()
	}
}

// SendNotification sends the notification id: its function will be called
// on the loop, once for each send (once in all for a notification made with
// once set). Lwt_unix.send_notification.
//
// It is safe to call from any goroutine, costs no allocation, and never
// blocks for long: it takes a mutex and, for the first of a batch of sends,
// writes an eventfd. Sends are delivered in the order they were made. The
// send of an id that is unknown or stopped is ignored when it is delivered.
func SendNotification(id int) {
	n := &notifications
	n.mu.Lock()
	first := len(n.pending) == 0
	n.pending = append(n.pending, id)
	fd := n.fd
	n.mu.Unlock()
	if first && fd >= 0 {
		unix.Write(fd, eventfdOne)
	}
}

// StopNotification stops the notification id: its function will not be
// called any more, even for sends made before. Stopping an id twice, or an
// unknown one, does nothing. Lwt_unix.stop_notification. Ids are never
// reused.
func StopNotification(id int) {
	n := &notifications
	if _, ok := n.table[id]; ok {
		delete(n.table, id)
		releaseNotifications()
	}
}

// NotificationCount returns the number of live notifications, those made
// by [MakeNotification] and not stopped yet.
func NotificationCount() int { return len(notifications.table) }

// retainNotifications adds a reason to watch the eventfd, registering it
// with the engine for the first one.
func retainNotifications() {
	n := &notifications
	if n.refs++; n.refs > 1 {
		return
	}
	if n.fd < 0 {
		fd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
		if err != nil {
			n.refs--
			panic(fmt.Sprintf("lwtunix: cannot make the notification descriptor: %v", os.NewSyscallError("eventfd", err)))
		}
		n.mu.Lock()
		n.fd = fd
		pending := len(n.pending) > 0
		n.mu.Unlock()
		if pending { // sent before the descriptor existed
			unix.Write(fd, eventfdOne)
		}
	}
	ev, err := engine.OnReadable(n.fd, deliverNotifications)
	if err != nil {
		n.refs--
		panic(fmt.Sprintf("lwtunix: cannot watch the notification descriptor: %v", err))
	}
	n.ev = ev
}

// releaseNotifications removes a reason to watch the eventfd.
func releaseNotifications() {
	n := &notifications
	if n.refs--; n.refs == 0 {
		n.ev.Stop()
		n.ev = nil
	}
}

// deliverNotifications is the engine's callback on the eventfd: it calls
// the functions of the notifications sent so far.
func deliverNotifications(*engine.Event) {
	n := &notifications
	var buf [8]byte
	// Reset the eventfd before taking the queue: a send that comes after
	// the swap finds the queue empty and writes again.
	unix.Read(n.fd, buf[:])
	n.mu.Lock()
	batch := n.pending
	n.pending = n.spare
	n.mu.Unlock()
	n.spare = nil // a nested delivery must not take batch's buffer
	i := 0
	defer func() {
		if i < len(batch) {
			// The function of batch[i] panicked: the panic leaves the
			// loop, and the sends after it wait for the next round.
			requeueNotifications(batch[i+1:])
		}
		clear(batch)
		n.spare = batch[:0]
	}()
	for ; i < len(batch); i++ {
		callNotification(batch[i])
	}
}

func callNotification(id int) {
	if id < 0 {
		internalNotification(id)
		return
	}
	n := &notifications
	nt, ok := n.table[id]
	if !ok {
		return
	}
	if nt.once {
		delete(n.table, id)
		releaseNotifications()
	}
	nt.f()
}

func requeueNotifications(ids []int) {
	if len(ids) == 0 {
		return
	}
	n := &notifications
	n.mu.Lock()
	n.pending = append(append([]int(nil), ids...), n.pending...)
	fd := n.fd
	n.mu.Unlock()
	unix.Write(fd, eventfdOne)
}
