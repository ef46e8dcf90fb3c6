package tributary

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ErrForeignURL: a URL that does not name a document of this connector's
// source: another site, another repository or space than the configured
// ones, or a page of the source that is not a document (a search, a
// settings page).
var ErrForeignURL = errors.New("url is not a document of this source")

// URLNormalizer maps a URL a person pasted (a browser address, a share
// link, a permalink) to the id of the document the connector yields for it.
// The mapping depends on the connector's settings (its site, repositories,
// roots), which is why it is a method of an open connector. It may send a
// request when the id cannot be read from the URL alone (a Confluence tiny
// link); it never lists.
type URLNormalizer interface {
	Connector
	// NormalizeURL returns the document id for rawURL. A URL of another
	// source or outside the configured scope fails with ErrForeignURL; a
	// URL of the source that the id cannot be worked out from fails with
	// ErrNotSupported.
	NormalizeURL(ctx context.Context, rawURL string) (string, error)
}

// NormalizeURL returns the id of the document of c that rawURL names,
// through c's NormalizeURL method. A connector without one fails with
// ErrNotSupported.
func NormalizeURL(ctx context.Context, c Connector, rawURL string) (string, error) {
	if n, ok := c.(URLNormalizer); ok {
		return n.NormalizeURL(ctx, rawURL)
	}
	return "", notSupported(c, "normalize url")
}

// ParseWebURL parses a URL a person pasted for source's NormalizeURL:
// surrounding spaces are dropped, and anything but an http or https
// address with a host is ErrForeignURL.
func ParseWebURL(source DocumentSource, rawURL string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, ForeignURL(source, rawURL, "not an http or https address")
	}
	return u, nil
}

// ForeignURL returns the ErrForeignURL error a connector gives for rawURL,
// saying why. The URL is named without its user information, query and
// fragment, which may carry secrets.
func ForeignURL(source DocumentSource, rawURL, why string) error {
	return NewError(string(source)+": normalize url", ErrForeignURL, fmt.Errorf("%s: %s", redactURL(rawURL), why))
}

// UnmappableURL returns the ErrNotSupported error a connector gives for a
// URL of its source from which no document id can be worked out.
func UnmappableURL(source DocumentSource, rawURL, why string) error {
	return NewError(string(source)+": normalize url", ErrNotSupported, fmt.Errorf("%s: %s", redactURL(rawURL), why))
}

// redactURL returns rawURL without user information, query and fragment,
// for errors and logs. A URL that does not parse is replaced by a note.
func redactURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(malformed url)"
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return fmt.Sprintf("%q", u.String())
}
