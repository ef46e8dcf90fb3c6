package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

const (
	checkpointKind    = "salesforce"
	checkpointVersion = 1
	// maxExpired bounds the locators that may expire in a row before a
	// listing gives up.
	maxExpired = 3
)

// Phases of an object's listing.
const (
	phaseRecords = ""
	phaseDeleted = "deleted"
	phaseDone    = "done"
)

// position is the checkpoint: the object in progress, its phase, and the
// SystemModstamp (milliseconds) and Id of the last record read there, so
// that the listing goes on with the records after it in (SystemModstamp,
// Id) order. Its size does not depend on the org's.
type position struct {
	Object string `json:"object,omitempty"`
	Phase  string `json:"phase,omitempty"`
	Stamp  int64  `json:"stamp,omitempty"`
	ID     string `json:"id,omitempty"`
}

var recordIDPattern = regexp.MustCompile(`^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$`)

func decodePosition(cp tributary.Checkpoint) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	bad := pos.Object != "" && !apiName.MatchString(pos.Object) || !slices.Contains([]string{phaseRecords, phaseDeleted, phaseDone}, pos.Phase) ||
		pos.Stamp < 0 || pos.ID != "" && !recordIDPattern.MatchString(pos.ID) || pos.Object == "" && (pos.Stamp != 0 || pos.ID != "" || pos.Phase != "")
	if bad {
		return position{}, tributary.NewError("salesforce: decode checkpoint", tributary.ErrInvalidCheckpoint,
			fmt.Errorf("bad position (object %q, phase %q)", pos.Object, pos.Phase))
	}
	return pos, nil
}

// run is one pass of a stream over the window [start, end).
type run struct {
	c          *Connector
	ctx        context.Context
	start, end time.Time
	slim       bool
	*tributary.Yielder

	sess   *session
	org    string
	public map[string]bool // objects every user may read
	sent   map[string]bool // nodes yielded
}

func (c *Connector) newRun(ctx context.Context, yield func(tributary.Item, error) bool, start, end time.Time, slim bool) *run {
	return &run{c: c, ctx: ctx, start: start.UTC(), end: end.UTC(), slim: slim,
		Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion), sent: map[string]bool{}}
}

// begin signs in and reads the org's name and sharing defaults.
func (r *run) begin() bool {
	if err := r.ctx.Err(); err != nil {
		return r.Fail(err)
	}
	s, err := r.c.client.auth.session(r.ctx)
	if err != nil {
		return r.Fail(err)
	}
	r.sess = s
	r.org, r.public, err = r.c.orgDefaults(r.ctx)
	if err != nil {
		return r.Fail(err)
	}
	return true
}

// all runs the stream from pos: each object in the settings' order, its
// records, then in a poll its deletions.
func (r *run) all(pos position) {
	if !r.begin() {
		return
	}
	objects := r.c.settings.objects()
	i := 0
	if pos.Object != "" {
		if i = slices.Index(objects, pos.Object); i < 0 {
			r.Fail(tributary.NewError("salesforce: resume", tributary.ErrInvalidCheckpoint,
				fmt.Errorf("the checkpoint reads %s, which the settings no longer name", pos.Object)))
			return
		}
	}
	for ; i < len(objects); i++ {
		if objects[i] != pos.Object {
			pos = position{Object: objects[i]}
		}
		if !r.object(pos) {
			return
		}
	}
}

// object reads one object from pos.
func (r *run) object(pos position) bool {
	if pos.Phase == phaseDone {
		return true
	}
	info, err := r.c.describe(r.ctx, pos.Object)
	if err != nil {
		return r.listingFailed(pos.Object, err)
	}
	if !r.nodes(info) {
		return false
	}
	if pos.Phase == phaseRecords && !r.list(info, pos) {
		return false
	}
	if !r.start.IsZero() && !r.slim && info.name != ObjectKnowledge {
		from := pos
		if pos.Phase != phaseDeleted {
			from = position{Object: pos.Object, Phase: phaseDeleted}
			if !r.Checkpoint(from) {
				return false
			}
		}
		if !r.list(info, from) {
			return false
		}
	}
	return r.Checkpoint(position{Object: pos.Object, Phase: phaseDone})
}

// nodes yields the org's node and the object's, parents first.
func (r *run) nodes(info *objectInfo) bool {
	inst := r.sess.instance
	org := orgNodeID(inst)
	everyone := &tributary.ExternalAccess{GroupIDs: []string{GroupUsers}}
	if !r.sent[org] {
		r.sent[org] = true
		if !r.Yield(tributary.NodeItem(&tributary.HierarchyNode{ID: org, Name: r.org, Link: org, Kind: tributary.NodeSpace, ExternalAccess: everyone})) {
			return false
		}
	}
	id := objectNodeID(inst, info.name)
	if r.sent[id] {
		return true
	}
	r.sent[id] = true
	return r.Yield(tributary.NodeItem(&tributary.HierarchyNode{ID: id, ParentID: org, Name: info.label, Link: id,
		Kind: tributary.NodeFolder, ExternalAccess: everyone}))
}

// listingFailed reports an object that cannot be read: one the user may
// not read, or that has no SystemModstamp, is a failure of the object
// and the stream goes on; anything else ends the stream, to resume from
// the last checkpoint.
func (r *run) listingFailed(object string, err error) bool {
	if !errorsIsAny(err, tributary.ErrInsufficientPermissions, tributary.ErrNotSupported) || r.sess == nil {
		return r.Fail(err)
	}
	id := objectNodeID(r.sess.instance, object)
	f := tributary.EntityFailure(id, id, err)
	f.MissedStart, f.MissedEnd = r.start, r.end
	return r.Yield(tributary.FailureItem(f))
}

// soqlTime writes a datetime literal to the millisecond.
func soqlTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// soql is the query of an object's records (or deleted records) after pos
// in the window, in (SystemModstamp, Id) order. The window's bounds are
// widened to whole milliseconds, and applied exactly to what comes back.
func (r *run) soql(info *objectInfo, pos position) string {
	fields := []string{"Id", "SystemModstamp"}
	switch {
	case pos.Phase == phaseDeleted:
	case r.slim && info.owner:
		fields = append(fields, "OwnerId", "Owner.Email")
	case !r.slim:
		fields = info.fields
	}
	var where []string
	if pos.Phase == phaseDeleted {
		where = append(where, "IsDeleted = true")
	}
	if !r.start.IsZero() {
		where = append(where, "SystemModstamp >= "+soqlTime(r.start.Truncate(time.Millisecond)))
	}
	if !r.end.IsZero() {
		end := r.end.Truncate(time.Millisecond)
		if !end.Equal(r.end) {
			end = end.Add(time.Millisecond)
		}
		where = append(where, "SystemModstamp < "+soqlTime(end))
	}
	if pos.ID != "" {
		at := soqlTime(time.UnixMilli(pos.Stamp))
		where = append(where, fmt.Sprintf("(SystemModstamp > %s OR (SystemModstamp = %s AND Id > '%s'))", at, at, pos.ID))
	}
	if info.name == ObjectKnowledge {
		where = append(where, "PublishStatus = 'Online'", "Language = '"+r.c.settings.KnowledgeLanguage+"'")
	}
	q := "SELECT " + strings.Join(fields, ", ") + " FROM " + info.name
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	return q + " ORDER BY SystemModstamp ASC, Id ASC"
}

// queryAnswer is a batch of a query.
type queryAnswer struct {
	TotalSize      int               `json:"totalSize"`
	Done           bool              `json:"done"`
	NextRecordsURL string            `json:"nextRecordsUrl"`
	Records        []json.RawMessage `json:"records"`
}

// list reads the records (or in the deleted phase the deleted records,
// through queryAll) of an object after pos, batch by batch through
// nextRecordsUrl, with a checkpoint after each batch. A locator that has
// expired (INVALID_QUERY_LOCATOR) is replaced by the query asked again
// from the last record read.
func (r *run) list(info *objectInfo, pos position) bool {
	endpoint := "/query?"
	if pos.Phase == phaseDeleted {
		endpoint = "/queryAll?"
	}
	if pos.ID != "" && time.UnixMilli(pos.Stamp).Before(r.start.Truncate(time.Millisecond)) {
		pos.Stamp, pos.ID = 0, "" // a position before the window starts over
	}
	first := func() string { return endpoint + url.Values{"q": {r.soql(info, pos)}}.Encode() }
	path, expired := first(), 0
	// Records without a readable SystemModstamp cannot move the position,
	// so a query asked again after an expired locator meets them again:
	// they are answered once per listing.
	unstamped := map[string]bool{}
	for {
		var page queryAnswer
		err := r.c.client.get(r.ctx, path, &page)
		if err != nil && codeOf(err) == "INVALID_QUERY_LOCATOR" && strings.HasPrefix(path, "/services/") && expired < maxExpired {
			expired++
			r.c.env.Log().Info("salesforce: query locator expired; querying again from the last record read", "object", info.name)
			path = first()
			continue
		}
		if err != nil {
			return r.listingFailed(info.name, fmt.Errorf("salesforce: query %s: %w", info.name, err))
		}
		next, ok := r.batch(info, pos, page.Records, unstamped)
		if !ok {
			return false
		}
		if next != pos {
			expired = 0 // only a batch that moves the position resets the count
		}
		pos = next
		if pos.ID != "" && !r.Checkpoint(pos) {
			return false
		}
		if page.Done {
			return true
		}
		if !validNext(page.NextRecordsURL) {
			return r.Fail(malformed("query "+info.name, "a batch that is not done without a nextRecordsUrl under /services/data/"))
		}
		path = page.NextRecordsURL
	}
}

// batch yields a batch's records and returns the position after them.
// Records whose SystemModstamp cannot be read are answered only when
// unstamped does not hold them yet.
func (r *run) batch(info *objectInfo, pos position, raws []json.RawMessage, unstamped map[string]bool) (position, bool) {
	for _, raw := range raws {
		var rec map[string]any
		if err := json.Unmarshal(raw, &rec); err != nil {
			return pos, r.Fail(tributary.NewError("salesforce: query "+info.name, tributary.ErrMalformedResponse, err))
		}
		id, _ := rec["Id"].(string)
		if !recordIDPattern.MatchString(id) {
			return pos, r.Fail(malformed("query "+info.name, "a record without an Id"))
		}
		docID := recordID(r.sess.instance, info.name, id)
		stamp, ok := parseTime(rec["SystemModstamp"])
		if !ok && unstamped[id] {
			continue
		}
		if !ok {
			unstamped[id] = true
		}
		if !ok && r.slim && pos.Phase == phaseRecords {
			// The record exists (the query's window admitted it); only its
			// content is unreadable, so pruning must keep it.
			if !r.Yield(tributary.DocumentItem(r.document(info, rec, id, time.Time{}))) {
				return pos, false
			}
			continue
		}
		if !ok {
			err := malformed("query "+info.name, "a record whose SystemModstamp is not a datetime")
			if !r.Yield(tributary.FailureItem(tributary.DocumentFailure(docID, docID, err))) {
				return pos, false
			}
			continue
		}
		ms := stamp.UnixMilli()
		if pos.ID != "" && (ms < pos.Stamp || ms == pos.Stamp && id <= pos.ID) {
			continue // before the position: read already
		}
		pos.Stamp, pos.ID = ms, id
		if stamp.Before(r.start) || !r.end.IsZero() && !stamp.Before(r.end) {
			continue
		}
		var it tributary.Item
		if pos.Phase == phaseDeleted {
			it = tributary.DeletionItem(docID)
		} else {
			it = tributary.DocumentItem(r.document(info, rec, id, stamp))
		}
		if !r.Yield(it) {
			return pos, false
		}
	}
	return pos, true
}

// parseTime reads a datetime as the API writes it
// (2024-03-01T09:00:00.000+0000).
func parseTime(v any) (time.Time, bool) {
	s, _ := v.(string)
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
