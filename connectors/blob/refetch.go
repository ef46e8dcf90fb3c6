package blob

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/aws/smithy-go"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// Refetch fetches objects again by id, a HeadObject and a GetObject each
// (S3 has no batch read), and reads them as Load does: the same size limit, globs
// and extraction, the document after its folders' nodes, parents first.
// An id of another source or bucket, or whose key is outside the prefixes,
// the globs, or a folder marker, is a Failure matching
// tributary.ErrForeignURL. A key the bucket no longer has (NoSuchKey) is a
// deletion; a refusal (AccessDenied) or a failing read is a Failure under
// the id. Rejected credentials, a bucket that no longer exists, a refused
// address or the end of ctx end the stream.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		op := string(c.source) + ": refetch"
		sent := map[string]bool{} // folder nodes yielded
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				yield(tributary.Item{}, fmt.Errorf("%s: %w", op, err))
				return
			}
			key, err := c.keyOf(id)
			if err != nil {
				if !yield(tributary.FailureItem(tributary.DocumentFailure(id, "", err)), nil) {
					return
				}
				continue
			}
			it, err := c.refetchObject(ctx, key)
			if err != nil {
				yield(tributary.Item{}, fmt.Errorf("%s: %w", op, err))
				return
			}
			if it.Document != nil {
				for _, f := range folderChain(key) {
					if n := c.node(f); !sent[n.ID] {
						sent[n.ID] = true
						if !yield(tributary.NodeItem(n), nil) {
							return
						}
					}
				}
			}
			if !yield(it, nil) {
				return
			}
		}
	}
}

// refetchObject reads the object at key into its answer, or returns the
// error that ends the call. It reads the object as Load does, with a
// HeadObject in place of the listing (its size, ETag and date), so that
// the size limit applies before the download and a body cut short is
// told from a whole one. An answer to HEAD has no body, so no S3 error
// code: when HeadObject fails, a GetObject tells what the failure is (a
// missing key is a deletion, a missing bucket or rejected credentials end
// the call, a refusal is a Failure), and reads the object should it now
// succeed.
func (c *Connector) refetchObject(ctx context.Context, key string) (tributary.Item, error) {
	id := c.docID(key)
	o, err := c.client.head(ctx, c.s.Bucket, key)
	if err != nil && !terminal(ctx, err) {
		var b []byte
		var modified time.Time
		b, modified, err = c.client.get(ctx, c.s.Bucket, key, -1, "", c.s.MaxObjectSize)
		switch {
		case err == nil:
			return c.read(ctx, key, b, modified)
		case errorCode(err) == "NoSuchKey":
			return tributary.DeletionItem(id), nil
		}
	}
	switch {
	case err == nil:
	case terminal(ctx, err) || errorCode(err) == "NoSuchBucket":
		return tributary.Item{}, err
	default:
		return tributary.FailureItem(tributary.DocumentFailure(id, c.link(key), err)), nil
	}
	f := &fetched{key: key}
	(&run{c: c}).fetch(ctx, f, &o)
	switch {
	case f.err != nil:
		return tributary.Item{}, f.err
	case f.skip:
		return tributary.DeletionItem(id), nil // deleted since HeadObject
	}
	return f.item, nil
}

// errorCode returns the S3 error code of err, or "".
func errorCode(err error) string {
	if api, ok := errors.AsType[smithy.APIError](err); ok {
		return api.ErrorCode()
	}
	return ""
}

// keyOf maps a document id to its key: the id must be the connector's
// base followed by a key escaped as docID escapes it, under one of the
// prefixes, admitted by the globs and not a folder marker.
func (c *Connector) keyOf(id string) (string, error) {
	foreign := func(why string) error {
		return tributary.NewError(string(c.source)+": refetch", tributary.ErrForeignURL, fmt.Errorf("%s: %s", id, why))
	}
	rest, ok := strings.CutPrefix(id, c.base)
	if !ok {
		return "", foreign("not an object of " + c.base)
	}
	key, ok := unescapeKey(rest)
	switch {
	case !ok || key == "" || escapeKey(key) != rest:
		return "", foreign("not in the form of the connector's document ids")
	case strings.HasSuffix(key, "/"):
		return "", foreign("a folder, not an object")
	case !c.underPrefix(key):
		return "", foreign("outside the configured prefixes")
	case !c.admit(key):
		return "", foreign("outside the include and exclude globs")
	}
	return key, nil
}

// underPrefix reports whether key is under one of the prefixes.
func (c *Connector) underPrefix(key string) bool {
	for _, p := range c.prefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// unescapeKey undoes escapeKey's percent-encoding, reporting false for a
// malformed escape.
func unescapeKey(s string) (string, bool) {
	if !strings.Contains(s, "%") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", false
		}
		b.WriteByte(byte(v))
		i += 2
	}
	return b.String(), true
}
