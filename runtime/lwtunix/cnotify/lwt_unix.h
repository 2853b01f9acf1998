/* The C side of lwt's notifications (package lwtunix/cnotify): what C code
   linked into a Go program that imports that package may call. */

#ifndef LWT_UNIX_H
#define LWT_UNIX_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Sends the notification id, made on the Go side with
   lwtunix.MakeNotification: its function will be called on the lwt loop.
   Safe from any thread, including threads the C code created itself; it
   does not block for long and may be called with locks held. */
void lwt_unix_send_notification(intptr_t id);

#ifdef __cplusplus
}
#endif

#endif /* LWT_UNIX_H */
