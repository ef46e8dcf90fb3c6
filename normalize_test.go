package tributary_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/tributary-dev/tributary"
)

// wikiConnector names its documents https://wiki.example/pages/ID.
type wikiConnector struct{}

func (wikiConnector) Source() tributary.DocumentSource { return "wiki" }
func (wikiConnector) Validate(context.Context) error   { return nil }

func (wikiConnector) NormalizeURL(_ context.Context, raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host != "wiki.example" || !strings.HasPrefix(u.Path, "/pages/") {
		return "", tributary.ForeignURL("wiki", raw, "not a page of wiki.example")
	}
	return "https://wiki.example" + u.Path, nil
}

func ExampleNormalizeURL() {
	ctx := context.Background()
	id, err := tributary.NormalizeURL(ctx, wikiConnector{}, "https://wiki.example/pages/42?focus=1#comments")
	fmt.Println(id, err)
	_, err = tributary.NormalizeURL(ctx, wikiConnector{}, "https://elsewhere.example/pages/42?token=s3cret")
	fmt.Println(errors.Is(err, tributary.ErrForeignURL), err)
	// Output:
	// https://wiki.example/pages/42 <nil>
	// true wiki: normalize url: url is not a document of this source: "https://elsewhere.example/pages/42": not a page of wiki.example
}

type plainConnector struct{ err error }

func (plainConnector) Source() tributary.DocumentSource { return "plain" }
func (c plainConnector) Validate(context.Context) error { return c.err }

func TestNormalizeURLWithoutNormalizer(t *testing.T) {
	_, err := tributary.NormalizeURL(context.Background(), plainConnector{}, "https://x.example/1")
	if !errors.Is(err, tributary.ErrNotSupported) {
		t.Fatalf("err = %v, want ErrNotSupported", err)
	}
}

func TestForeignURLHidesSecrets(t *testing.T) {
	for _, raw := range []string{"https://user:pw@x.example/a?token=s3cret#pw", "::%zz s3cret"} {
		err := tributary.ForeignURL("x", raw, "no")
		if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "pw") {
			t.Errorf("error %q shows a secret", err)
		}
	}
}

func TestParseWebURL(t *testing.T) {
	u, err := tributary.ParseWebURL(tributary.SourceWeb, "  https://example.com/a?b=1  ")
	if err != nil || u.Host != "example.com" || u.Path != "/a" {
		t.Fatalf("ParseWebURL = %v, %v", u, err)
	}
	for _, raw := range []string{"", "::", "mailto:a@example.com", "ftp://example.com/x", "https:///path", "/relative"} {
		if _, err := tributary.ParseWebURL(tributary.SourceWeb, raw); !errors.Is(err, tributary.ErrForeignURL) {
			t.Errorf("ParseWebURL(%q) = %v, want ErrForeignURL", raw, err)
		}
	}
}
