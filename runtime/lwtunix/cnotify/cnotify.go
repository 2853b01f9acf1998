//go:build cgo

package cnotify

// #include "lwt_unix.h"
import "C"

import "github.com/lwtgo/lwt/runtime/lwtunix"

//export lwt_unix_send_notification
func lwt_unix_send_notification(id C.intptr_t) {
	lwtunix.SendNotification(int(id))
}
