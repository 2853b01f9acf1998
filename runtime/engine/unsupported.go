//go:build !linux

package engine

// lwt for Go runs on Linux only, for now: its engines are built on epoll,
// eventfd and Linux's poll and select. Everywhere else, the package is this
// file alone, and the line below stops the build with a single error whose
// name says why.
var _ = lwt_for_Go_supports_only_Linux_for_now
