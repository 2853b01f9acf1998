// Package engine is the IO multiplexer under the lwt scheduler: Lwt_engine.
//
// An [Engine] watches file descriptors and timers and runs callbacks when
// they are ready. [Engine.OnReadable], [Engine.OnWritable] and
// [Engine.OnTimer] register an [Event], which [Event.Stop] unregisters;
// [Engine.Iter] waits for events once and runs their callbacks. lwtmain.Run
// calls Iter in its loop, and the cooperative Unix calls register the
// descriptors they wait on.
//
// Three engines are provided, all level-triggered: epoll ([NewEpoll], the
// default), poll ([NewPoll]) and select ([NewSelect], limited to descriptors
// below 1024). One engine is current at a time: [Get] returns it, the
// package-level functions ([OnReadable], [Iter] ...) use it, and [Set]
// replaces it at any time, moving the registered events to the new engine.
//
// The engines need Linux (epoll, eventfd). On any other system the package
// is left empty but for one line that stops the build with a single error,
// "undefined: lwt_for_Go_supports_only_Linux_for_now", and so does every
// package that uses it.
//
// Engines work on raw descriptors with golang.org/x/sys/unix, not through
// Go's network poller. Like the rest of the runtime they belong to the
// goroutine that runs the scheduler, with one exception: [Wakeup] may be
// called from any goroutine to make a blocking Iter return. They are for
// Linux.
//
// # Driving an engine from another main loop
//
// When the main loop belongs to someone else (a GUI toolkit, another event
// library), that loop asks the engine which descriptors to watch and how long
// it may sleep ([Engine.PollFds]), adds them to its own poll, and calls
// Iter(false) when they are ready or the time is up. The epoll engine exposes
// a single descriptor, its epoll instance; poll and select expose the
// descriptors they watch.
//
// # Errors
//
// Registering a descriptor may fail: the select engine refuses descriptors
// of 1024 and above with an error wrapping [ErrFdTooLarge], a negative
// descriptor gives [unix.EBADF], and the epoll engine reports what epoll_ctl
// reports (a descriptor that is not open gives [unix.EBADF]). The poll and
// select engines do not look at a descriptor when it is registered: one that
// is not open, or gets closed while watched, is reported ready, so that the
// callback's own read or write meets the error. Stop events before closing
// their descriptor.
//
// # Differences from Lwt
//
//   - A one-shot timer is stopped once it fires: it no longer counts in
//     TimerCount, and Stop on it does nothing. (Lwt keeps counting it until
//     its callback stops it.)
//   - The epoll engine treats a descriptor that epoll cannot watch (a regular
//     file) as always ready, as libev does and as poll and select do.
//   - Readiness may be spurious: a callback must cope with EAGAIN.
//   - A repeating timer that falls behind fires once and is rescheduled from
//     its previous deadline, or from now when that is already past (libev's
//     rule); transferred timers restart their delay in the new engine.
package engine
