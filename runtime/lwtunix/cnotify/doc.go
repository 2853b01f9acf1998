// Package cnotify gives C code the door into the lwt loop that
// lwtunix.SendNotification is for Go code: the C function
//
//	void lwt_unix_send_notification(intptr_t id);
//
// declared in lwt_unix.h beside this file, as Lwt declares it in
// lwt_unix.h. Importing this package (for its effect: import _
// ".../runtime/lwtunix/cnotify") links the function into a program built
// with cgo. C code then includes lwt_unix.h (point the compiler at this
// directory, or copy the header) and sends, from any thread, the ids that
// the Go side made with lwtunix.MakeNotification. Package lwtunix itself
// does not need cgo.
//
// Without cgo (CGO_ENABLED=0) the package is empty.
package cnotify
