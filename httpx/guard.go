package httpx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// ErrForbiddenAddress is the cause of every request refused by the outbound
// address guard: its target is a loopback, private, link-local, shared
// (CGNAT), unspecified or cloud-metadata address and the Env does not allow
// private networks. The error is a *ForbiddenAddressError, which names the
// target.
var ErrForbiddenAddress = errors.New("address not allowed")

// ForbiddenAddressError is a request refused by the outbound address
// guard. It matches ErrForbiddenAddress with errors.Is.
type ForbiddenAddressError struct {
	// Host is the refused host name or address: the URL's host, or the
	// address a name resolved to when it is the dialled address that was
	// refused.
	Host string
	// Dial reports that the resolved address was refused, not the URL's
	// host.
	Dial bool
}

func (e *ForbiddenAddressError) Error() string {
	target := fmt.Sprintf("host %q", e.Host)
	if e.Dial {
		target = "dial " + e.Host
	}
	return target + ": " + ErrForbiddenAddress.Error() + " (set Env.AllowPrivateNetwork to permit private and loopback targets)"
}

// Unwrap returns ErrForbiddenAddress.
func (e *ForbiddenAddressError) Unwrap() error { return ErrForbiddenAddress }

var forbiddenPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network", unspecified
	netip.MustParsePrefix("10.0.0.0/8"),     // RFC 1918
	netip.MustParsePrefix("100.64.0.0/10"),  // CGNAT; also Alibaba's 100.100.100.200 metadata
	netip.MustParsePrefix("127.0.0.0/8"),    // loopback
	netip.MustParsePrefix("169.254.0.0/16"), // link-local; 169.254.169.254 metadata
	netip.MustParsePrefix("172.16.0.0/12"),  // RFC 1918
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments (Oracle 192.0.0.192)
	netip.MustParsePrefix("192.168.0.0/16"), // RFC 1918
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("224.0.0.0/4"),    // multicast
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, broadcast
	netip.MustParsePrefix("::/128"),         // unspecified
	netip.MustParsePrefix("::1/128"),        // loopback
	netip.MustParsePrefix("fc00::/7"),       // unique local; AWS fd00:ec2::254 metadata
	netip.MustParsePrefix("fe80::/10"),      // link-local
	netip.MustParsePrefix("ff00::/8"),       // multicast
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
	netip.MustParsePrefix("2001:db8::/32"),  // documentation
	netip.MustParsePrefix("100::/64"),       // discard
	netip.MustParsePrefix("fec0::/10"),      // deprecated site-local
}

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// forbiddenNames are host names that always mean this machine or a cloud
// metadata service.
var forbiddenNames = []string{"localhost", "metadata", "metadata.google.internal", "instance-data", "metadata.azure.internal"}

// ForbiddenAddr reports whether ip is an address the guard refuses when
// private networks are not allowed.
func ForbiddenAddr(ip netip.Addr) bool {
	if !ip.IsValid() {
		return true
	}
	ip = ip.Unmap()
	if ip.Is6() {
		b := ip.As16()
		switch {
		case nat64.Contains(ip): // NAT64: the IPv4 address is the last 32 bits
			ip = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
		case sixToFour.Contains(ip): // 6to4: the IPv4 address follows 2002:
			ip = netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})
		}
	}
	for _, p := range forbiddenPrefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// forbiddenHost reports whether a URL host (without port) is refused before
// any lookup: a literal forbidden address or a name of this machine or of
// a metadata service.
func forbiddenHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if ip, err := netip.ParseAddr(host); err == nil {
		return ForbiddenAddr(ip)
	}
	for _, n := range forbiddenNames {
		if host == n || strings.HasSuffix(host, "."+n) {
			return true
		}
	}
	return false
}

// checkURLHost refuses a request whose URL names a forbidden host.
func checkURLHost(req *http.Request) error {
	if forbiddenHost(req.URL.Hostname()) {
		return &ForbiddenAddressError{Host: req.URL.Hostname()}
	}
	return nil
}

// dialControl refuses a connection to a forbidden resolved address before
// it is made.
func dialControl(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &ForbiddenAddressError{Host: address, Dial: true}
	}
	if ForbiddenAddr(ap.Addr()) {
		return &ForbiddenAddressError{Host: ap.Addr().String(), Dial: true}
	}
	return nil
}

// guardedDialer returns a dialer that checks the resolved address.
func guardedDialer() *net.Dialer {
	return &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: dialControl}
}

// checkedDial wraps a host-supplied dial function: the connection is
// refused after dialling when its remote address is forbidden. Connections
// whose remote address is not an IP (in-memory pipes, Unix sockets) were
// chosen by the host and are kept.
func checkedDial(dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		ap, perr := netip.ParseAddrPort(conn.RemoteAddr().String())
		if perr == nil && ForbiddenAddr(ap.Addr()) {
			conn.Close()
			return nil, &ForbiddenAddressError{Host: ap.Addr().String(), Dial: true}
		}
		return conn, nil
	}
}

// prepareTransport readies the host's transport: an *http.Transport is
// cloned, given a response-header timeout when it has none, and, unless
// private networks are allowed, its dialer is checked at dial time. Other
// round trippers get the literal host check only (their dialing is out of
// reach).
func prepareTransport(base http.RoundTripper, allowPrivate bool, headerTimeout time.Duration) http.RoundTripper {
	t, ok := base.(*http.Transport)
	if ok {
		t = t.Clone()
		if t.ResponseHeaderTimeout == 0 && headerTimeout > 0 {
			t.ResponseHeaderTimeout = headerTimeout
		}
		base = t
	}
	if allowPrivate {
		return base
	}
	if ok {
		if t.DialContext != nil {
			t.DialContext = checkedDial(t.DialContext)
		} else {
			t.DialContext = guardedDialer().DialContext // takes priority over a legacy Dial
		}
	}
	return hostCheck{base}
}

// hostCheck refuses requests whose URL names a forbidden host.
type hostCheck struct{ next http.RoundTripper }

func (h hostCheck) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := checkURLHost(req); err != nil {
		closeBody(req)
		return nil, err
	}
	return h.next.RoundTrip(req)
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}
