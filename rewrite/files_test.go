package rewrite

import "testing"

func TestOutputName(t *testing.T) {
	for in, want := range map[string]string{
		"foo.go":                     "foo_lwt.go",
		"dir/foo.go":                 "dir/foo_lwt.go",
		"foo_test.go":                "foo_lwt_test.go",
		"foo_linux.go":               "foo_lwt_linux.go",
		"foo_amd64.go":               "foo_lwt_amd64.go",
		"foo_linux_amd64.go":         "foo_lwt_linux_amd64.go",
		"foo_linux_amd64_test.go":    "foo_lwt_linux_amd64_test.go",
		"my_file.go":                 "my_file_lwt.go",
		"server_windows_arm64.go":    "server_lwt_windows_arm64.go",
		"linux.go":                   "linux_lwt.go",
		"a_b_c_darwin_test.go":       "a_b_c_lwt_darwin_test.go",
		"handler_js_wasm.go":         "handler_lwt_js_wasm.go",
		"notanos_foo.go":             "notanos_foo_lwt.go",
		"x_amd64_linux.go":           "x_amd64_lwt_linux.go", // only GOOS_GOARCH is a pair
		"foo_lwt.go":                 "foo_lwt_lwt.go",
		"weird_test_linux_test.go":   "weird_test_lwt_linux_test.go",
		"only_test_suffix_x_test.go": "only_test_suffix_x_lwt_test.go",
	} {
		if got := OutputName(in); got != want {
			t.Errorf("OutputName(%q) = %q, want %q", in, got, want)
		}
	}
}
