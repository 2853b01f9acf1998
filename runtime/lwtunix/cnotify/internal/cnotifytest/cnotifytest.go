//go:build cgo

// Package cnotifytest calls lwt_unix_send_notification from C threads, for
// the tests of package cnotify: cgo is not allowed in test files.
package cnotifytest

/*
#cgo CFLAGS: -I${SRCDIR}/../..
#cgo LDFLAGS: -lpthread
#include <pthread.h>
#include <stdlib.h>
#include "lwt_unix.h"

struct sender {
	pthread_t thread;
	intptr_t id;
	int count;
};

static void *send_loop(void *arg) {
	struct sender *s = arg;
	for (int i = 0; i < s->count; i++)
		lwt_unix_send_notification(s->id);
	return NULL;
}

// send_from_threads starts one C thread per id, which sends its id count
// times, and waits for them all. It returns 0, or -1 if a thread could not
// be started.
static int send_from_threads(intptr_t *ids, int n, int count) {
	struct sender *s = calloc(n, sizeof *s);
	int started = 0, err = 0;
	for (; started < n; started++) {
		s[started].id = ids[started];
		s[started].count = count;
		if (pthread_create(&s[started].thread, NULL, send_loop, &s[started]) != 0) {
			err = -1;
			break;
		}
	}
	for (int i = 0; i < started; i++)
		pthread_join(s[i].thread, NULL);
	free(s);
	return err;
}
*/
import "C"

import (
	"errors"

	_ "github.com/lwtgo/lwt/runtime/lwtunix/cnotify" // links lwt_unix_send_notification
)

// SendFromCThreads starts one C thread (made with pthread_create, unknown to
// the Go runtime) for each id; each sends its id count times with
// lwt_unix_send_notification. It returns once all threads have ended.
func SendFromCThreads(ids []int, count int) error {
	cids := make([]C.intptr_t, len(ids))
	for i, id := range ids {
		cids[i] = C.intptr_t(id)
	}
	if len(cids) == 0 {
		return nil
	}
	if C.send_from_threads(&cids[0], C.int(len(cids)), C.int(count)) != 0 {
		return errors.New("cnotifytest: pthread_create failed")
	}
	return nil
}
