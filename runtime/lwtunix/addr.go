package lwtunix

import (
	"context"
	"net"
	"net/netip"
	"os"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// AddrInfo is one address found by [GetAddrInfo]: Unix.addr_info.
type AddrInfo struct {
	Family    int // unix.AF_INET or unix.AF_INET6
	Socktype  int // unix.SOCK_STREAM or unix.SOCK_DGRAM
	Protocol  int // unix.IPPROTO_TCP or unix.IPPROTO_UDP unless the hints give one
	Addr      unix.Sockaddr
	CanonName string // with CanonName in the hints, on the first result
}

// AddrInfoHints narrows what [GetAddrInfo] looks for: Lwt's
// getaddrinfo_option list. The zero value asks for everything.
type AddrInfoHints struct {
	Family   int // unix.AF_INET or unix.AF_INET6; 0 for both
	Socktype int // unix.SOCK_STREAM or unix.SOCK_DGRAM; 0 for both
	Protocol int // given as is in the results; 0 for the socket type's usual one

	// Passive asks, when host is empty, for the wildcard addresses (to bind
	// to) instead of the loopback ones (to connect to).
	Passive bool
	// NumericHost refuses to resolve host: it must be an IP address.
	NumericHost bool
	// CanonName asks for the canonical name of host in the first result.
	CanonName bool
}

// resolver is Go's own DNS client: no cgo, no thread blocked in libc.
var resolver = &net.Resolver{PreferGo: true}

// GetAddrInfo looks up host and service and gives the socket addresses that
// match hints: Lwt_unix.getaddrinfo. host is a name or an IP address; empty,
// it means the loopback addresses, or the wildcard ones with hints.Passive.
// service is a port number or a service name (from /etc/services); empty, it
// means port 0.
//
// For each address it gives one result per socket type (stream, then
// datagram) unless hints.Socktype picks one. Canceling the promise abandons
// the lookup.
//
// Unlike Lwt, which gives an empty list when the lookup fails, GetAddrInfo
// fails with the resolver's error (a *net.DNSError or a *net.AddrError).
//
// The lookup is a job (see [RunJob]) that uses Go's DNS resolver, without
// cgo: it reads /etc/hosts and /etc/nsswitch.conf and asks the servers of
// /etc/resolv.conf.
func GetAddrInfo(host, service string, hints AddrInfoHints) lwt.Promise[[]AddrInfo] {
	ctx, cancel := context.WithCancel(context.Background())
	p := RunJob[[]AddrInfo](&getAddrInfoJob{ctx: ctx, host: host, service: service, hints: hints})
	lwt.OnTermination(p, cancel)
	return p
}

func getAddrInfo(ctx context.Context, host, service string, h AddrInfoHints) ([]AddrInfo, error) {
	var types []int
	switch h.Socktype {
	case 0:
		types = []int{unix.SOCK_STREAM, unix.SOCK_DGRAM}
	default:
		types = []int{h.Socktype}
	}
	ports := make([]int, len(types))
	for i, t := range types {
		network := "tcp"
		if t == unix.SOCK_DGRAM {
			network = "udp"
		}
		p, err := lookupPort(ctx, network, service)
		if err != nil {
			return nil, err
		}
		ports[i] = p
	}
	addrs, canon, err := lookupHost(ctx, host, h)
	if err != nil {
		return nil, err
	}
	var res []AddrInfo
	for _, a := range addrs {
		a = a.Unmap()
		fam := unix.AF_INET6
		if a.Is4() {
			fam = unix.AF_INET
		}
		if h.Family != 0 && h.Family != fam {
			continue
		}
		for i, t := range types {
			proto := h.Protocol
			if proto == 0 {
				proto = unix.IPPROTO_TCP
				if t == unix.SOCK_DGRAM {
					proto = unix.IPPROTO_UDP
				} else if t != unix.SOCK_STREAM {
					proto = 0
				}
			}
			res = append(res, AddrInfo{
				Family:   fam,
				Socktype: t,
				Protocol: proto,
				Addr:     SockaddrOf(netip.AddrPortFrom(a, uint16(ports[i]))),
			})
		}
	}
	if len(res) == 0 {
		return nil, &net.DNSError{Err: "no address of the requested family", Name: host, IsNotFound: true}
	}
	if h.CanonName {
		res[0].CanonName = canon
	}
	return res, nil
}

func lookupPort(ctx context.Context, network, service string) (int, error) {
	if service == "" {
		return 0, nil
	}
	if p, err := strconv.ParseUint(service, 10, 16); err == nil {
		return int(p), nil
	}
	return resolver.LookupPort(ctx, network, service)
}

func lookupHost(ctx context.Context, host string, h AddrInfoHints) ([]netip.Addr, string, error) {
	if host == "" {
		if h.Passive {
			return []netip.Addr{netip.IPv4Unspecified(), netip.IPv6Unspecified()}, "", nil
		}
		return []netip.Addr{netip.AddrFrom4([4]byte{127, 0, 0, 1}), netip.IPv6Loopback()}, "localhost", nil
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, host, nil
	}
	if h.NumericHost {
		return nil, "", &net.AddrError{Err: "not a numeric address", Addr: host}
	}
	network := "ip"
	switch h.Family {
	case unix.AF_INET:
		network = "ip4"
	case unix.AF_INET6:
		network = "ip6"
	}
	addrs, err := resolver.LookupNetIP(ctx, network, host)
	if err != nil {
		return nil, "", err
	}
	canon := host
	if h.CanonName {
		if c, err := resolver.LookupCNAME(ctx, host); err == nil && c != "" {
			canon = c
			if len(c) > 1 && c[len(c)-1] == '.' {
				canon = c[:len(c)-1]
			}
		}
	}
	return addrs, canon, nil
}

// SockaddrOf returns the socket address of ap: a *unix.SockaddrInet4 for an
// IPv4 address (IPv4-mapped IPv6 addresses included), a *unix.SockaddrInet6
// otherwise, with the index of its zone if it names an interface.
func SockaddrOf(ap netip.AddrPort) unix.Sockaddr {
	a := ap.Addr()
	if a.Is4() || a.Is4In6() {
		return &unix.SockaddrInet4{Port: int(ap.Port()), Addr: a.Unmap().As4()}
	}
	sa := &unix.SockaddrInet6{Port: int(ap.Port()), Addr: a.As16()}
	if z := a.Zone(); z != "" {
		if n, err := strconv.Atoi(z); err == nil {
			sa.ZoneId = uint32(n)
		} else if ifi, err := net.InterfaceByName(z); err == nil {
			sa.ZoneId = uint32(ifi.Index)
		}
	}
	return sa
}

// AddrPortOf returns the IP address and port of an internet socket address,
// and false for any other kind (a Unix-domain one, nil).
func AddrPortOf(sa unix.Sockaddr) (netip.AddrPort, bool) {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), uint16(sa.Port)), true
	case *unix.SockaddrInet6:
		a := netip.AddrFrom16(sa.Addr)
		if sa.ZoneId != 0 {
			a = a.WithZone(strconv.Itoa(int(sa.ZoneId)))
		}
		return netip.AddrPortFrom(a, uint16(sa.Port)), true
	}
	return netip.AddrPort{}, false
}

// getAddrInfoJob is GetAddrInfo's job. Its context is canceled when the
// promise is, so that a lookup under way stops early.
type getAddrInfoJob struct {
	ctx           context.Context
	host, service string
	hints         AddrInfoHints
	res           []AddrInfo
	err           error
}

func (j *getAddrInfoJob) Work() {
	j.res, j.err = getAddrInfo(j.ctx, j.host, j.service, j.hints)
}

func (j *getAddrInfoJob) Result() ([]AddrInfo, error) { return j.res, j.err }

// offLoop runs the blocking system call f as a job; its error is wrapped in
// an *os.SyscallError naming the call.
func offLoop[T any](name string, f func() (T, error)) lwt.Promise[T] {
	return runCall(func() (T, error) {
		v, err := f()
		return v, os.NewSyscallError(name, err)
	})
}
