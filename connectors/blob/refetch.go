package blob

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/archive"
	"github.com/tributary-dev/tributary/internal/extract"
)

var _ tributary.Refetcher = (*Connector)(nil)

// Refetch fetches objects again by id, a HeadObject and a GetObject each
// (S3 has no batch read), and reads them as Load does: the same size
// limit, globs, archive bounds and extraction, the document after its
// folders' nodes, parents first. An archive entry's id reads its archive
// again for that entry only. An id of another source or bucket, or whose
// key is outside the prefixes, the globs, or a folder marker, is a Failure
// matching tributary.ErrForeignURL. A key the bucket no longer has
// (NoSuchKey), an entry its archive no longer holds and an object Load
// would now leave out (binary content) are deletions; a refusal
// (AccessDenied) or a failing read is a Failure under the id, as is an
// entry of an archive that cannot be opened. Rejected credentials, a
// bucket that no longer exists, a refused address or the end of ctx end
// the stream.
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
			it, nodes, err := c.refetchOne(ctx, id, key)
			if err != nil {
				yield(tributary.Item{}, fmt.Errorf("%s: %w", op, err))
				return
			}
			if it.Document != nil {
				for _, n := range nodes {
					if !sent[n.ID] {
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

// refetchOne reads the object at key as Load does and returns the answer
// for id (the object's or one of its archive entries') with the folder
// nodes before it, or the error that ends the call. A HeadObject takes the
// listing's place (size, ETag and date), so that the size limit applies
// before the download and a body cut short is told from a whole one. An
// answer to HEAD has no body, so no S3 error code: when HeadObject fails,
// a GetObject tells what the failure is (a missing key is a deletion, a
// missing bucket or rejected credentials end the call, a refusal is a
// Failure), and its body is read should it now succeed.
func (c *Connector) refetchOne(ctx context.Context, id, key string) (tributary.Item, []*tributary.HierarchyNode, error) {
	o, err := c.client.head(ctx, c.s.Bucket, key)
	var body []byte
	if err != nil && !terminal(ctx, err) {
		var modified time.Time
		body, modified, err = c.client.get(ctx, c.s.Bucket, key, -1, "", c.s.MaxObjectSize)
		switch {
		case err == nil:
			o = types.Object{Key: aws.String(key), Size: aws.Int64(int64(len(body))), LastModified: aws.Time(modified)}
		case errorCode(err) == "NoSuchKey":
			return tributary.DeletionItem(id), nil, nil
		}
	}
	switch {
	case err == nil:
	case terminal(ctx, err) || errorCode(err) == "NoSuchBucket":
		return tributary.Item{}, nil, err
	default:
		return tributary.FailureItem(tributary.DocumentFailure(id, c.link(key), err)), nil, nil
	}
	var answer tributary.Item
	var nodes []*tributary.HierarchyNode
	var fatal error
	pick := func(it tributary.Item, err error) bool {
		switch {
		case err != nil:
			fatal = err
			return false
		case it.Node != nil:
			nodes = append(nodes, it.Node)
		case it.Document != nil && it.Document.ID == id, it.Failure != nil && it.Failure.DocumentID == id:
			answer = it
			return false
		case it.Failure != nil && strings.HasPrefix(id, it.Failure.DocumentID+"!/"):
			// The archive holding the entry cannot be opened.
			answer = tributary.FailureItem(tributary.DocumentFailure(id, c.link(key), it.Failure.Err))
			return false
		}
		return true
	}
	r := &run{c: c, ctx: ctx, Yielder: tributary.NewYielder(ctx, pick, checkpointKind, checkpointVersion)}
	f := &fetched{key: key}
	if body != nil {
		f.src = c.objectSource(key, aws.ToTime(o.LastModified).UTC())
		r.read(ctx, f, body, extract.FormatOf(f.src.name))
	} else {
		r.fetch(ctx, f, &o)
	}
	switch {
	case f.err != nil:
		return tributary.Item{}, nil, f.err
	case f.gone:
		return tributary.DeletionItem(id), nil, nil // deleted since HeadObject
	}
	r.deliver(f, "")
	switch {
	case fatal != nil:
		return tributary.Item{}, nil, fatal
	case answer.Document == nil && answer.Failure == nil:
		return tributary.DeletionItem(id), nil, nil // left out now, or no longer in its archive
	}
	return answer, nodes, nil
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
	rest, entry, inArchive := strings.Cut(rest, "!/")
	if inArchive && (entry == "" || !c.s.OpenArchives) {
		return "", foreign("not an entry of an archive these settings open")
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
func unescapeKey(s string) (string, bool) { return archive.UnescapeKey(s) }
