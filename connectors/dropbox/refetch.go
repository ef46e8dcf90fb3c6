package dropbox

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/archive"
)

var _ tributary.Refetcher = (*Connector)(nil)

// Refetch fetches files again by id: files/get_metadata for each (by its
// path), then the file is read as Load reads it (the same size limit,
// download checked against content_hash, Paper export, archive bounds,
// extraction and members), its folders' nodes before it, whatever its
// server_modified. An archive entry's id (ARCHIVE-ID!/ENTRY) reads its
// archive again for that entry only. An id that is not a Dropbox file
// address under the configured folder, or an entry's id while
// open_archives is off, is a Failure matching tributary.ErrForeignURL. A
// file Dropbox no longer has (not_found), an entry its archive no longer
// holds and a file Load would now leave out (binary, neither downloadable
// nor exportable) are deletions; a folder's id is a Failure matching
// ErrNotSupported, and a refused or failing read a Failure under the id,
// as is an entry of an archive that cannot be opened. Rejected
// credentials, a rate limit that outlasts the retries and the end of ctx
// end the stream.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		if len(ids) == 0 {
			return
		}
		cl, err := c.session(ctx)
		if err != nil {
			yield(tributary.Item{}, fmt.Errorf("dropbox: refetch: %w", err))
			return
		}
		sent := map[string]bool{} // folder nodes yielded
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				yield(tributary.Item{}, fmt.Errorf("dropbox: refetch: %w", err))
				return
			}
			it, nodes, err := c.refetchOne(ctx, cl, id)
			if err != nil {
				yield(tributary.Item{}, fmt.Errorf("dropbox: refetch: %w", err))
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

// refetchOne answers one id: its item with the nodes of its folders, or
// the error that ends the call.
func (c *Connector) refetchOne(ctx context.Context, cl *client, id string) (tributary.Item, []*tributary.HierarchyNode, error) {
	p, err := c.pathOf(id)
	if err != nil {
		return tributary.FailureItem(tributary.DocumentFailure(id, "", err)), nil, nil
	}
	var e entry
	if err := cl.rpc(ctx, "files/get_metadata", map[string]any{"path": p}, &e); err != nil {
		err = classify("dropbox: refetch "+p, err)
		switch {
		case errors.Is(err, tributary.ErrNotFound):
			return tributary.DeletionItem(id), nil, nil
		case terminal(err):
			return tributary.Item{}, nil, err
		}
		return tributary.FailureItem(tributary.DocumentFailure(id, "", err)), nil, nil
	}
	switch {
	case e.Tag == "folder":
		return tributary.FailureItem(tributary.DocumentFailure(id, linkOf(e.PathDisplay),
			tributary.NewError("dropbox: refetch", tributary.ErrNotSupported, fmt.Errorf("%s is a folder, not a file", e.PathDisplay)))), nil, nil
	case e.Tag != "file" || e.PathLower == "" || e.PathDisplay == "":
		return tributary.DeletionItem(id), nil, nil
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
			// The archive holding the entry cannot be read or opened.
			answer = tributary.FailureItem(tributary.DocumentFailure(id, it.Failure.Link, it.Failure.Err))
			return false
		}
		return true
	}
	r := c.newRun(ctx, time.Time{}, time.Time{}, false, pick)
	r.cl = cl
	if r.node(parentOf(e.PathLower), parentOf(e.PathDisplay)) {
		r.file(e)
	}
	switch {
	case fatal != nil:
		return tributary.Item{}, nil, fatal
	case answer.Document == nil && answer.Failure == nil:
		return tributary.DeletionItem(id), nil, nil // left out now, or no longer in its archive
	}
	return answer, nodes, nil
}

// pathOf maps a document id to the lower-cased path of its file: the id
// must be a Dropbox address as idOf makes it, under the configured
// folder, and an entry's id only while archives are opened.
func (c *Connector) pathOf(id string) (string, error) {
	foreign := func(why string) error {
		return tributary.NewError("dropbox: refetch", tributary.ErrForeignURL, fmt.Errorf("%s: %s", id, why))
	}
	rest, ok := strings.CutPrefix(id, home+"/")
	if !ok {
		return "", foreign("not a Dropbox address under " + home)
	}
	rest, entry, inArchive := archive.SplitID(rest)
	if inArchive && (entry == "" || !c.settings.OpenArchives) {
		return "", foreign("not an entry of an archive these settings open")
	}
	p, err := url.PathUnescape(rest)
	switch {
	case err != nil || p == "" || idOf("/"+p) != home+"/"+rest:
		return "", foreign("not in the form of the connector's document ids")
	case !under(strings.ToLower("/"+p), strings.ToLower(c.settings.Path)):
		return "", foreign("outside the configured folder " + c.settings.Path)
	}
	return "/" + p, nil
}

// under reports whether p is root or inside it ("" is the whole Dropbox).
func under(p, root string) bool {
	return root == "" || p == root || strings.HasPrefix(p, root+"/")
}
