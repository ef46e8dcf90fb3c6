package web

import (
	"encoding/binary"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/tributary-dev/tributary"
)

// checkpointKind and checkpointVersion name the connector's checkpoints.
const (
	checkpointKind    = "web"
	checkpointVersion = 1
	fingerprintBytes  = 6
)

// state is a crawl's position: the frontier still to commit, as paths in
// the site, and the 48-bit fingerprints of every URL admitted or claimed,
// sorted and packed six bytes each. It grows with the pages admitted,
// which max_pages bounds, never with the size of the site.
type state struct {
	Site     string    `json:"site"`
	Mode     Mode      `json:"mode"`
	Admitted int       `json:"admitted"`
	Seen     []byte    `json:"seen"`
	Queue    []cpEntry `json:"queue"`
}

type cpEntry struct {
	Path    string    `json:"p"`
	Depth   int       `json:"d,omitempty"`
	Sitemap bool      `json:"s,omitempty"`
	LastMod time.Time `json:"m,omitzero"`
}

// checkpoint encodes the run's position, reporting false when it does not
// fit under tributary.MaxCheckpointSize; the run then goes on and tries
// again at the next checkpoint, so a crash resumes from the last one that
// fitted.
func (r *run) checkpoint() (tributary.Checkpoint, bool) {
	if size := r.checkpointSize(); size > tributary.MaxCheckpointSize {
		r.c.log.Debug("web: checkpoint skipped: over the size bound", "bytes", size)
		return nil, false
	}
	st := state{Site: r.site.String(), Mode: r.c.s.Mode, Admitted: r.admitted}
	fps := make([]uint64, 0, len(r.seen))
	for fp := range r.seen {
		fps = append(fps, fp)
	}
	slices.Sort(fps)
	st.Seen = make([]byte, 0, len(fps)*fingerprintBytes)
	for _, fp := range fps {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], fp)
		st.Seen = append(st.Seen, b[8-fingerprintBytes:]...)
	}
	st.Queue = make([]cpEntry, len(r.queue))
	for i, e := range r.queue {
		st.Queue[i] = cpEntry{Path: pathOf(e.u), Depth: e.depth, Sitemap: e.sitemap, LastMod: e.lastmod}
	}
	cp, err := tributary.EncodeCheckpoint(checkpointKind, checkpointVersion, st)
	if err != nil {
		r.c.log.Debug("web: checkpoint skipped", "error", err)
		return nil, false
	}
	return cp, true
}

// restore loads the position in cp; an empty cp leaves the run at the
// start. A checkpoint of another site or mode, or a malformed one, fails
// with ErrInvalidCheckpoint.
func (r *run) restore(cp tributary.Checkpoint) error {
	st, ok, err := tributary.DecodeCheckpoint[state](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return err
	}
	bad := func(format string, args ...any) error {
		return tributary.NewError("web: resume", tributary.ErrInvalidCheckpoint, fmt.Errorf(format, args...))
	}
	if st.Site != r.site.String() || st.Mode != r.c.s.Mode {
		return bad("checkpoint of %s in %s mode, not %s in %s mode", st.Site, st.Mode, r.site, r.c.s.Mode)
	}
	if len(st.Seen)%fingerprintBytes != 0 || st.Admitted < len(st.Queue) || st.Admitted < 1 {
		return bad("malformed state")
	}
	for b := st.Seen; len(b) > 0; b = b[fingerprintBytes:] {
		var full [8]byte
		copy(full[8-fingerprintBytes:], b[:fingerprintBytes])
		r.seen[binary.BigEndian.Uint64(full[:])] = struct{}{}
	}
	for _, q := range st.Queue {
		u, err := url.Parse(r.site.String() + q.Path)
		if err != nil || q.Depth < 0 || !r.site.contains(u) {
			return bad("malformed frontier entry %q", q.Path)
		}
		u = fetchURL(u)
		r.queue = append(r.queue, entry{u: u, key: key(u), depth: q.Depth, sitemap: q.Sitemap, lastmod: q.LastMod.UTC()})
	}
	r.admitted = st.Admitted
	return nil
}

// checkpointSize estimates the encoded size of the run's checkpoint from
// below, so that one certain to be too large is never encoded.
func (r *run) checkpointSize() int {
	n := 64 + len(r.site.String()) + (len(r.seen)*fingerprintBytes+2)/3*4
	for _, e := range r.queue {
		n += len(`{"p":""},`) + len(e.u.EscapedPath()) + len(e.u.RawQuery)
	}
	return n
}
