package googledrive

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/google"
)

const (
	checkpointKind    = "google_drive"
	checkpointVersion = 1
)

// Pass kinds, in the order a stream reads them. A file is yielded by the
// first pass that lists it: shared drives, then each user's My Drive
// (files the user owns), then each user's shared-with-me files whose
// owner's My Drive is not read, then folders, leaving out what the
// earlier passes read.
const (
	kindDrive = iota
	kindUser
	kindShared
	kindFolder
)

// pass is one listing of a stream.
type pass struct {
	kind   int
	key    string // drive id, user address or folder id
	reader string // whom a service account acts as; "" for OAuth credentials
}

func (p pass) id() string { return strconv.Itoa(p.kind) + ":" + p.key }

// frame is one folder of a recursive folder pass: its files are listed
// first, then its subfolders, each walked before the next.
type frame struct {
	Folder string `json:"f"`
	// Folders says the subfolders are being walked; Token is the page
	// token of the page in progress (files: the next page; subfolders: the
	// page being walked) and After the last subfolder of that page done.
	Folders bool   `json:"d,omitempty"`
	Token   string `json:"t,omitempty"`
	After   string `json:"a,omitempty"`
}

// maxDepth bounds folder nesting, for both recursive passes and parent
// chains; deeper folders are a failure, never an endless walk.
const maxDepth = 32

// position is the checkpoint state: where the stream is, never what it
// has seen. Its size does not depend on the size of the source.
type position struct {
	// Pass is the id of the pass in progress; Done says it is finished.
	Pass string `json:"pass,omitempty"`
	Done bool   `json:"done,omitempty"`
	// Token is the next listing page of a flat pass.
	Token string `json:"token,omitempty"`
	// Stack is the folder walk of a folder pass, outermost first.
	Stack []frame `json:"stack,omitempty"`
	// Changes is the Changes API page token of a pass reading changes
	// (after its listing); ChangesStart the start token taken before a
	// full listing, stored when the pass ends.
	Changes      string `json:"changes,omitempty"`
	ChangesStart string `json:"changes_start,omitempty"`
}

func decodePosition(cp tributary.Checkpoint) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	bad := len(pos.Stack) > maxDepth || len(pos.Token) > 4096 || len(pos.Changes) > 4096
	if k, _, found := strings.Cut(pos.Pass, ":"); pos.Pass != "" && (!found || len(k) != 1 || k[0] < '0' || k[0] > '3') {
		bad = true
	}
	for _, f := range pos.Stack {
		bad = bad || !driveID.MatchString(f.Folder) || len(f.Token) > 4096
	}
	if bad {
		return position{}, tributary.NewError("google_drive: decode checkpoint", tributary.ErrInvalidCheckpoint,
			fmt.Errorf("bad position (pass %q)", pos.Pass))
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

	me     string          // the consenting user's address (OAuth credentials)
	users  map[string]bool // users whose My Drive is read
	drives map[string]bool // shared drives read
	nodes  *recent         // nodes yielded lately
	values tributary.Values
	// refetching says the stream answers Refetch: nodes are yielded even
	// for a shared drive's root.
	refetching bool
}

func (c *Connector) newRun(ctx context.Context, start, end time.Time, slim bool, yield func(tributary.Item, error) bool) *run {
	return &run{c: c, ctx: ctx, start: start.UTC(), end: end.UTC(), slim: slim,
		Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion),
		nodes:   newRecent(4096), values: tributary.ValuesFrom(ctx)}
}

// in returns ctx acting as the pass's reader with scope.
func (r *run) in(p pass, scope string) context.Context { return google.As(r.ctx, p.reader, scope) }

// all runs the stream from pos.
func (r *run) all(pos position) {
	if err := r.ctx.Err(); err != nil {
		r.Fail(err)
		return
	}
	passes, err := r.plan()
	if err != nil {
		r.Fail(err)
		return
	}
	for _, p := range passes {
		id := p.id()
		if pos.Pass != "" && (id < pos.Pass || id == pos.Pass && pos.Done) {
			continue
		}
		from := position{Pass: id}
		if id == pos.Pass {
			from = pos
		}
		if !r.pass(p, from) || !r.Checkpoint(position{Pass: id, Done: true}) {
			return
		}
	}
}

// plan lists the passes in order, with the users and drives they read.
func (r *run) plan() ([]pass, error) {
	s := &r.c.settings
	admin := ""
	if r.c.client.mode == "service_account" {
		admin = s.AdminEmail
	} else {
		var about struct {
			User apiUser `json:"user"`
		}
		if err := r.c.client.get(google.As(r.ctx, "", ScopeDriveReadonly), join(r.c.client.drive, "/about", url.Values{"fields": {"user(emailAddress)"}}), &about); err != nil {
			return nil, fmt.Errorf("google_drive: read the signed-in user: %w", err)
		}
		r.me = strings.ToLower(about.User.EmailAddress)
	}
	var passes []pass
	r.drives, r.users = map[string]bool{}, map[string]bool{}
	if s.IncludeSharedDrives {
		ids, err := r.c.driveIDs(r.ctx, admin)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			r.drives[id] = true
			passes = append(passes, pass{kind: kindDrive, key: id, reader: admin})
		}
	}
	if s.IncludeMyDrives || s.IncludeSharedWithMe {
		users, err := r.c.userList(r.ctx, admin, r.me)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			reader := u
			if r.c.client.mode != "service_account" {
				reader = ""
			}
			if s.IncludeMyDrives {
				r.users[u] = true
				passes = append(passes, pass{kind: kindUser, key: u, reader: reader})
			}
			if s.IncludeSharedWithMe {
				passes = append(passes, pass{kind: kindShared, key: u, reader: reader})
			}
		}
	}
	for _, id := range sortedIDs(s.FolderIDs) {
		passes = append(passes, pass{kind: kindFolder, key: id, reader: admin})
	}
	slices.SortStableFunc(passes, func(a, b pass) int { return strings.Compare(a.id(), b.id()) })
	return passes, nil
}

// driveIDs returns the configured shared drives, or every one the reader
// is a member of, sorted.
func (c *Connector) driveIDs(ctx context.Context, reader string) ([]string, error) {
	if len(c.settings.SharedDriveIDs) > 0 {
		return sortedIDs(c.settings.SharedDriveIDs), nil
	}
	var ids []string
	for token := ""; ; {
		q := url.Values{"pageSize": {"100"}, "fields": {"nextPageToken,drives(id,name)"}}
		if c.client.mode == "service_account" {
			q.Set("useDomainAdminAccess", "true") // every shared drive of the domain
		}
		if token != "" {
			q.Set("pageToken", token)
		}
		var pg driveList
		if err := c.client.get(google.As(ctx, reader, ScopeDriveReadonly), join(c.client.drive, "/drives", q), &pg); err != nil {
			return nil, fmt.Errorf("google_drive: list shared drives: %w", err)
		}
		for _, d := range pg.Drives {
			if driveID.MatchString(d.ID) {
				ids = append(ids, d.ID)
			}
		}
		if pg.NextPageToken == "" || pg.NextPageToken == token {
			break
		}
		token = pg.NextPageToken
	}
	return sortedIDs(ids), nil
}

// userList returns the users whose drives are read: the configured ones,
// every active user of the domain (a service account, through the
// administrator), or the consenting user.
func (c *Connector) userList(ctx context.Context, admin, me string) ([]string, error) {
	if len(c.settings.MyDriveEmails) > 0 {
		return google.SortedLower(c.settings.MyDriveEmails), nil
	}
	if c.client.mode != "service_account" {
		return []string{me}, nil
	}
	var users []string
	for u, err := range c.directoryUsers(ctx, admin) {
		if err != nil {
			return nil, err
		}
		if !u.Suspended && google.IsEmail(u.PrimaryEmail) {
			users = append(users, u.PrimaryEmail)
		}
	}
	return google.SortedLower(users), nil
}

// pass reads one pass from pos.
func (r *run) pass(p pass, pos position) bool {
	switch p.kind {
	case kindDrive:
		reader, err := r.c.driveReader(r.ctx, p.key)
		if err != nil {
			return r.passFailed(p, fmt.Errorf("google_drive: read shared drive %s: %w", p.key, err))
		}
		p.reader = reader
		if !r.driveNode(p) {
			return false
		}
	case kindFolder:
		return r.folderPass(p, pos)
	}
	if pos.Changes == "" && !r.flat(p, &pos) {
		return false
	}
	return r.changes(p, pos)
}

// entityID names a pass's entity in failures.
func (r *run) entityID(p pass) string {
	switch p.kind {
	case kindDrive, kindFolder:
		return folderNodeID(p.key)
	}
	return "mailto:" + p.key
}

// passFailed reports a pass that could not be read. A drive or folder
// deleted or hidden meanwhile, or a user the service account may not act
// as, is a failure of that pass, and the stream goes on; anything else
// ends the stream, to resume from the last checkpoint.
func (r *run) passFailed(p pass, err error) bool {
	if !errors.Is(err, tributary.ErrNotFound) && !errors.Is(err, tributary.ErrInsufficientPermissions) && !r.userRefused(p, err) {
		return r.Fail(err)
	}
	id := r.entityID(p)
	f := tributary.EntityFailure(id, id, err)
	f.MissedStart, f.MissedEnd = r.start, r.end
	return r.Yield(tributary.FailureItem(f))
}

// userRefused reports a service account refused a token for the user a
// pass acts as (a user deleted or suspended since the listing, an address
// outside the domain) while its key still works for the administrator:
// that user's pass fails, not the run.
func (r *run) userRefused(p pass, err error) bool {
	sa := r.c.client.sa
	if sa == nil || !errors.Is(err, tributary.ErrCredentialExpired) || p.reader == "" || p.reader == r.c.settings.AdminEmail {
		return false
	}
	_, adminErr := sa.Token(r.ctx, google.Actor{Subject: r.c.settings.AdminEmail, Scope: ScopeDriveReadonly})
	return adminErr == nil
}

// driveReader returns whom a service account acts as to read a shared
// drive: the administrator when a member, else the first of its members
// (permissions.list on the drive, as the administrator with
// useDomainAdminAccess) that is a user of the domain. With OAuth
// credentials the consenting user reads.
func (c *Connector) driveReader(ctx context.Context, id string) (string, error) {
	admin := c.settings.AdminEmail
	if c.client.mode != "service_account" {
		return "", nil
	}
	actx := google.As(ctx, admin, ScopeDriveReadonly)
	var probe fileList
	q := url.Values{"corpora": {"drive"}, "driveId": {id}, "includeItemsFromAllDrives": {"true"}, "supportsAllDrives": {"true"},
		"pageSize": {"1"}, "fields": {"files(id)"}}
	err := c.client.get(actx, join(c.client.drive, "/files", q), &probe)
	if !hidden(err) {
		return admin, err
	}
	var members []string
	for token := ""; ; {
		q := url.Values{"supportsAllDrives": {"true"}, "useDomainAdminAccess": {"true"}, "pageSize": {"100"},
			"fields": {"nextPageToken,permissions(type,emailAddress)"}}
		if token != "" {
			q.Set("pageToken", token)
		}
		var pg permissionList
		if err := c.client.get(actx, join(c.client.drive, "/files/"+url.PathEscape(id)+"/permissions", q), &pg); err != nil {
			return "", err
		}
		for _, p := range pg.Permissions {
			if p.Type == "user" && google.IsEmail(p.EmailAddress) {
				members = append(members, p.EmailAddress)
			}
		}
		if pg.NextPageToken == "" || pg.NextPageToken == token {
			break
		}
		token = pg.NextPageToken
	}
	if len(members) == 0 {
		return "", tributary.NewError("google_drive: read shared drive "+id, tributary.ErrInsufficientPermissions,
			errors.New("the drive has no member to read it as"))
	}
	return google.SortedLower(members)[0], nil
}

// driveNode yields a shared drive's node.
func (r *run) driveNode(p pass) bool {
	var d apiDrive
	q := url.Values{"fields": {"id,name"}}
	if r.c.client.mode == "service_account" && p.reader == r.c.settings.AdminEmail {
		q.Set("useDomainAdminAccess", "true")
	}
	if err := r.c.client.get(r.in(p, ScopeDriveReadonly), join(r.c.client.drive, "/drives/"+url.PathEscape(p.key), q), &d); err != nil {
		return r.passFailed(p, fmt.Errorf("google_drive: read shared drive %s: %w", p.key, err))
	}
	id := folderNodeID(p.key)
	r.nodes.add(id)
	if r.slim {
		return true
	}
	return r.Yield(tributary.NodeItem(&tributary.HierarchyNode{ID: id, Name: cmpOr(d.Name, p.key), Link: id, Kind: NodeSharedDrive}))
}

// NodeSharedDrive is the kind of a shared drive's node.
const NodeSharedDrive tributary.NodeKind = "shared_drive"

// query returns the q of a pass's listing, with the window.
func (r *run) query(base string) string {
	q := "trashed = false and mimeType != '" + mimeFolder + "'"
	if base != "" {
		q = base + " and " + q
	}
	if !r.start.IsZero() {
		q += " and modifiedTime >= '" + qTime(r.start.Truncate(time.Millisecond)) + "'"
	}
	if !r.end.IsZero() {
		e := r.end.Truncate(time.Millisecond)
		if e.Before(r.end) {
			e = e.Add(time.Millisecond)
		}
		q += " and modifiedTime < '" + qTime(e) + "'"
	}
	return q
}

func qTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// listParams are the parameters of a listing of the pass.
func (r *run) listParams(p pass, q string) url.Values {
	v := url.Values{"q": {q}, "pageSize": {strconv.Itoa(r.c.settings.PageSize)}, "supportsAllDrives": {"true"},
		"fields": {"nextPageToken,files(" + fileFields + ")"}}
	switch p.kind {
	case kindDrive:
		v.Set("corpora", "drive")
		v.Set("driveId", p.key)
		v.Set("includeItemsFromAllDrives", "true")
	case kindFolder:
		v.Set("corpora", "allDrives")
		v.Set("includeItemsFromAllDrives", "true")
	default:
		v.Set("corpora", "user")
		v.Set("includeItemsFromAllDrives", "false")
	}
	return v
}

// flat reads a drive's, a user's or a shared-with-me listing from pos.
func (r *run) flat(p pass, pos *position) bool {
	base := "'me' in owners"
	switch p.kind {
	case kindDrive:
		base = "" // corpora=drive lists the drive's files
	case kindShared:
		base = "sharedWithMe = true"
	}
	if pos.Token == "" && r.start.IsZero() && p.kind != kindShared && !r.startChanges(p, pos) {
		return false
	}
	q := r.listParams(p, r.query(base))
	for {
		if pos.Token != "" {
			q.Set("pageToken", pos.Token)
		}
		var pg fileList
		err := r.c.client.get(r.in(p, ScopeDriveReadonly), join(r.c.client.drive, "/files", q), &pg)
		if badRequest(err) && pos.Token != "" {
			// A page token Drive no longer takes: list the pass again from
			// its start, repeating what was read, losing nothing.
			r.c.env.Log().Warn("google_drive: page token refused; listing the pass again", "pass", p.id())
			pos.Token = ""
			q.Del("pageToken")
			continue
		}
		if err != nil {
			return r.passFailed(p, fmt.Errorf("google_drive: list files of %s: %w", p.id(), err))
		}
		if !r.page(p, pg.Files) {
			return false
		}
		if pg.NextPageToken == "" {
			pos.Token = ""
			return true
		}
		if pg.NextPageToken == pos.Token {
			return r.Fail(tributary.NewError("google_drive: list files", tributary.ErrTransient, errors.New("the same page token twice")))
		}
		pos.Token = pg.NextPageToken
		if !r.Checkpoint(*pos) {
			return false
		}
	}
}

// inWindow reports whether t lies in [start, end).
func (r *run) inWindow(t time.Time) bool {
	return (r.start.IsZero() || !t.Before(r.start)) && (r.end.IsZero() || t.Before(r.end))
}

// owner returns the lower-cased address of a My Drive file's owner.
func owner(f *apiFile) string {
	if len(f.Owners) == 0 {
		return ""
	}
	return strings.ToLower(f.Owners[0].EmailAddress)
}

// elsewhere reports a file that a pass other than p yields: one in a
// shared drive that is read, or one owned by a user whose My Drive is
// read.
func (r *run) elsewhere(p pass, f *apiFile) bool {
	switch {
	case p.kind == kindDrive && f.DriveID == p.key, p.kind == kindUser && owner(f) == p.key:
		return false
	case f.DriveID != "":
		return r.drives[f.DriveID]
	}
	o := owner(f)
	return o != "" && r.users[o]
}

// getFile reads one file's metadata.
func (c *Connector) getFile(ctx context.Context, id string) (*apiFile, error) {
	var f apiFile
	q := url.Values{"supportsAllDrives": {"true"}, "fields": {fileFields}}
	if err := c.client.get(ctx, join(c.client.drive, "/files/"+url.PathEscape(id), q), &f); err != nil {
		return nil, err
	}
	if f.ID == "" {
		return nil, tributary.NewError("google_drive: read file", tributary.ErrTransient, errors.New("answer without an id"))
	}
	return &f, nil
}

// fileID is the id of a file's document: its canonical Drive URL, the
// same whatever the file's type and whoever reads it.
func fileID(id string) string { return "https://drive.google.com/file/d/" + id + "/view" }

// folderNodeID is the id (and link) of a folder's or shared drive's node.
func folderNodeID(id string) string { return "https://drive.google.com/drive/folders/" + id }

func cmpOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
