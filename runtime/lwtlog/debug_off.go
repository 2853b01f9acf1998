//go:build !lwtdebug

package lwtlog

// DebugBuild tells whether this is a debug build (the lwtdebug tag). Code
// lwtgen generates keeps debug-level log calls under `if lwtlog.DebugBuild`:
// in a default build the constant is false and the compiler drops them,
// format strings included.
const DebugBuild = false
