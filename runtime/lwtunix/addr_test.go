package lwtunix_test

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// infoAddrs lists the addresses of infos as strings, with their socket type.
func infoAddrs(infos []lwtunix.AddrInfo) []string {
	var s []string
	for _, ai := range infos {
		ap, _ := lwtunix.AddrPortOf(ai.Addr)
		kind := "?"
		switch ai.Socktype {
		case unix.SOCK_STREAM:
			kind = "tcp"
		case unix.SOCK_DGRAM:
			kind = "udp"
		}
		s = append(s, kind+" "+ap.String())
	}
	return s
}

func TestGetAddrInfoNumeric(t *testing.T) {
	for _, tc := range []struct {
		host, service string
		hints         lwtunix.AddrInfoHints
		want          []string
	}{
		{"127.0.0.1", "80", lwtunix.AddrInfoHints{}, []string{"tcp 127.0.0.1:80", "udp 127.0.0.1:80"}},
		{"::1", "8080", lwtunix.AddrInfoHints{Socktype: unix.SOCK_STREAM}, []string{"tcp [::1]:8080"}},
		{"", "", lwtunix.AddrInfoHints{Socktype: unix.SOCK_STREAM}, []string{"tcp 127.0.0.1:0", "tcp [::1]:0"}},
		{"", "443", lwtunix.AddrInfoHints{Socktype: unix.SOCK_STREAM, Passive: true}, []string{"tcp 0.0.0.0:443", "tcp [::]:443"}},
		{"", "443", lwtunix.AddrInfoHints{Socktype: unix.SOCK_DGRAM, Family: unix.AF_INET6, Passive: true}, []string{"udp [::]:443"}},
		{"::ffff:10.0.0.1", "1", lwtunix.AddrInfoHints{Socktype: unix.SOCK_STREAM, NumericHost: true}, []string{"tcp 10.0.0.1:1"}},
	} {
		infos := runLoop(t, lwtunix.GetAddrInfo(tc.host, tc.service, tc.hints))
		if got := infoAddrs(infos); !equalStrings(got, tc.want) {
			t.Errorf("GetAddrInfo(%q, %q, %+v) = %v, want %v", tc.host, tc.service, tc.hints, got, tc.want)
		}
		for _, ai := range infos {
			wantFamily := unix.AF_INET
			if _, ok := ai.Addr.(*unix.SockaddrInet6); ok {
				wantFamily = unix.AF_INET6
			}
			wantProto := unix.IPPROTO_TCP
			if ai.Socktype == unix.SOCK_DGRAM {
				wantProto = unix.IPPROTO_UDP
			}
			if ai.Family != wantFamily || ai.Protocol != wantProto {
				t.Errorf("%+v: family or protocol", ai)
			}
		}
	}
}

func TestGetAddrInfoErrors(t *testing.T) {
	_, err := lwtmain.Run(lwtunix.GetAddrInfo("localhost", "80", lwtunix.AddrInfoHints{NumericHost: true}))
	var ae *net.AddrError
	if !errors.As(err, &ae) {
		t.Errorf("NumericHost with a name: %v", err)
	}
	_, err = lwtmain.Run(lwtunix.GetAddrInfo("127.0.0.1", "80", lwtunix.AddrInfoHints{Family: unix.AF_INET6}))
	var de *net.DNSError
	if !errors.As(err, &de) || !de.IsNotFound {
		t.Errorf("an IPv4 address with AF_INET6: %v", err)
	}
	_, err = lwtmain.Run(lwtunix.GetAddrInfo("127.0.0.1", "no-such-service-lwt", lwtunix.AddrInfoHints{}))
	if err == nil {
		t.Errorf("unknown service: no error")
	}
}

// Names go through Go's resolver: localhost is in /etc/hosts, and service
// names in /etc/services.
func TestGetAddrInfoNames(t *testing.T) {
	infos := runLoop(t, lwtunix.GetAddrInfo("localhost", "", lwtunix.AddrInfoHints{Family: unix.AF_INET, Socktype: unix.SOCK_STREAM, CanonName: true}))
	if len(infos) == 0 {
		t.Fatal("no address for localhost")
	}
	for _, ai := range infos {
		ap, _ := lwtunix.AddrPortOf(ai.Addr)
		if !ap.Addr().IsLoopback() || ai.Family != unix.AF_INET {
			t.Errorf("localhost: %v", ap)
		}
	}
	if infos[0].CanonName == "" {
		t.Errorf("no canonical name for localhost")
	}
	if _, err := os.Stat("/etc/services"); err != nil {
		t.Skip("no /etc/services")
	}
	infos = runLoop(t, lwtunix.GetAddrInfo("127.0.0.1", "http", lwtunix.AddrInfoHints{Socktype: unix.SOCK_STREAM}))
	if got := infoAddrs(infos); !equalStrings(got, []string{"tcp 127.0.0.1:80"}) {
		t.Errorf("http: %v", got)
	}
}

// The promise of GetAddrInfo is a job's: canceling it rejects it at once.
func TestGetAddrInfoCancel(t *testing.T) {
	p := lwtunix.GetAddrInfo("localhost", "80", lwtunix.AddrInfoHints{})
	lwt.Cancel(p)
	if _, err := lwtmain.Run(p); !errors.Is(err, lwt.ErrCanceled) {
		t.Fatalf("canceled GetAddrInfo: %v", err)
	}
	// The loop drains the abandoned job.
	runLoop(t, lwtunix.GetAddrInfo("127.0.0.1", "1", lwtunix.AddrInfoHints{}))
	quiet(t)
}

func TestSockaddrOf(t *testing.T) {
	for _, s := range []string{"127.0.0.1:80", "[::1]:443", "[fe80::1%1]:22", "0.0.0.0:0"} {
		ap := netip.MustParseAddrPort(s)
		back, ok := lwtunix.AddrPortOf(lwtunix.SockaddrOf(ap))
		if !ok || back != ap {
			t.Errorf("%v → %v %v", ap, back, ok)
		}
	}
	if sa, ok := lwtunix.SockaddrOf(netip.MustParseAddrPort("[::ffff:1.2.3.4]:5")).(*unix.SockaddrInet4); !ok || sa.Addr != [4]byte{1, 2, 3, 4} || sa.Port != 5 {
		t.Errorf("IPv4-mapped: %#v", sa)
	}
	if sa, ok := lwtunix.SockaddrOf(netip.MustParseAddrPort("[fe80::1%lo]:22")).(*unix.SockaddrInet6); !ok || sa.ZoneId != 1 {
		t.Errorf("zone lo: %#v", sa)
	}
	if _, ok := lwtunix.AddrPortOf(&unix.SockaddrUnix{Name: "/x"}); ok {
		t.Error("AddrPortOf a Unix-domain address")
	}
}
