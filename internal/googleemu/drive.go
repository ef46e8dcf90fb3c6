package googleemu

import (
	"bytes"
	"cmp"
	"crypto/md5"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/xuri/excelize/v2"
)

// ExportLimit is the most bytes files.export returns; a larger export is
// refused with exportSizeLimitExceeded, as Drive refuses exports over 10 MB.
const ExportLimit = 10 << 20

const drivePrefix = "/drive/v3"

func (s *Server) driveRoutes() {
	p := drivePrefix
	s.Handle("GET "+p+"/about", s.serve(s.about))
	s.Handle("GET "+p+"/files", s.serve(s.listFiles))
	s.Handle("GET "+p+"/files/{id}", s.serve(s.getFile))
	s.Handle("GET "+p+"/files/{id}/export", s.serve(s.exportFile))
	s.Handle("GET "+p+"/files/{id}/permissions", s.serve(s.listPermissions))
	s.Handle("GET "+p+"/drives", s.serve(s.listDrives))
	s.Handle("GET "+p+"/drives/{id}", s.serve(s.getDrive))
	s.Handle("GET "+p+"/changes/startPageToken", s.serve(s.startPageToken))
	s.Handle("GET "+p+"/changes", s.serve(s.listChanges))
}

var driveScopes = []string{ScopeDrive, ScopeDriveReadonly, ScopeDriveMetadata}

// masked answers v through the request's fields= mask.
func masked(c *call, v map[string]any) (int, any) {
	m, err := parseMask(c.r.FormValue("fields"))
	if err != nil {
		return 0, invalid("Invalid field selection " + c.r.FormValue("fields"))
	}
	return http.StatusOK, m.apply(v)
}

func (s *Server) about(c *call) (int, any) {
	if !c.has(driveScopes...) {
		return 0, insufficientScopes()
	}
	u := s.data.User(c.caller)
	name := c.caller
	if u != nil {
		name = u.Name
	}
	return masked(c, map[string]any{"kind": "drive#about",
		"user": map[string]any{"kind": "drive#user", "displayName": name, "emailAddress": c.caller, "me": true}})
}

func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func (s *Server) person(email string, caller string) map[string]any {
	name := email
	if u := s.data.User(email); u != nil {
		name = u.Name
	}
	return map[string]any{"kind": "drive#user", "displayName": name, "emailAddress": email, "me": strings.EqualFold(email, caller)}
}

// fileJSON is the full resource of f as the caller sees it.
func (s *Server) fileJSON(f *File, c *call) map[string]any {
	v := map[string]any{"kind": "drive#file", "id": f.ID, "name": f.Name, "mimeType": f.MimeType,
		"createdTime": ts(f.Created), "modifiedTime": ts(f.Modified), "trashed": f.Trashed,
		"webViewLink": webViewLink(f), "capabilities": map[string]any{"canDownload": !f.NoDownload}}
	if f.Parent != "" {
		if f.Parent == f.DriveID {
			v["parents"] = []any{f.Parent}
		} else if p := s.data.File(f.Parent); p != nil && !p.Deleted && s.data.canSee(p, c.caller) {
			v["parents"] = []any{f.Parent}
		}
	}
	if f.DriveID != "" {
		v["driveId"] = f.DriveID
	} else if f.Owner != "" {
		v["owners"] = []any{s.person(f.Owner, c.caller)}
	}
	if !f.native() {
		v["size"] = strconv.FormatInt(f.size(), 10)
		v["md5Checksum"] = fmt.Sprintf("%x", md5.Sum(f.Content))
	}
	if f.MimeType == MimeShortcut {
		det := map[string]any{"targetId": f.ShortcutTarget}
		if t := s.data.File(f.ShortcutTarget); t != nil {
			det["targetMimeType"] = t.MimeType
		}
		v["shortcutDetails"] = det
	}
	if f.DriveID == "" {
		var perms []any
		for _, p := range f.Permissions {
			perms = append(perms, permJSON(p))
		}
		if f.Owner != "" {
			perms = append([]any{permJSON(Permission{ID: "owner-" + f.ID, Type: "user", Role: "owner", EmailAddress: f.Owner})}, perms...)
		}
		v["permissions"] = perms
	}
	return v
}

func webViewLink(f *File) string {
	switch f.MimeType {
	case MimeDoc:
		return "https://docs.google.com/document/d/" + f.ID + "/edit?usp=drivesdk"
	case MimeSheet:
		return "https://docs.google.com/spreadsheets/d/" + f.ID + "/edit?usp=drivesdk"
	case MimeSlides:
		return "https://docs.google.com/presentation/d/" + f.ID + "/edit?usp=drivesdk"
	case MimeFolder:
		return "https://drive.google.com/drive/folders/" + f.ID
	}
	return "https://drive.google.com/file/d/" + f.ID + "/view?usp=drivesdk"
}

func permJSON(p Permission) map[string]any {
	v := map[string]any{"kind": "drive#permission", "id": p.ID, "type": p.Type, "role": p.Role}
	if p.EmailAddress != "" {
		v["emailAddress"] = p.EmailAddress
	}
	if p.Domain != "" {
		v["domain"] = p.Domain
	}
	if p.Type == "domain" || p.Type == "anyone" {
		v["allowFileDiscovery"] = p.AllowFileDiscovery
	}
	return v
}

func boolParam(c *call, name string) bool { return c.r.FormValue(name) == "true" }

func (s *Server) member(driveID, email string) bool {
	sd := s.data.Drive(driveID)
	return sd != nil && slices.ContainsFunc(sd.Members, func(m string) bool { return strings.EqualFold(m, email) })
}

func (s *Server) listFiles(c *call) (int, any) {
	if !c.has(driveScopes...) {
		return 0, insufficientScopes()
	}
	q, err := compileQuery(c.r.FormValue("q"))
	if err != nil {
		return 0, invalid("Invalid Value")
	}
	corpora := cmp.Or(c.r.FormValue("corpora"), "user")
	driveID := c.r.FormValue("driveId")
	all := boolParam(c, "includeItemsFromAllDrives")
	if (driveID != "" || corpora == "drive" || corpora == "allDrives") && !boolParam(c, "supportsAllDrives") {
		return 0, Reason{Status: http.StatusForbidden, Domain: "global", Reason: "teamDrivesParameterNotSupported",
			Message: "The supportsAllDrives parameter must be set to true."}
	}
	if (driveID != "" || corpora == "drive") && !all {
		return 0, invalid("The includeItemsFromAllDrives parameter must be set to true when driveId is specified.")
	}
	if corpora == "drive" {
		if driveID == "" {
			return 0, invalid("The driveId parameter must be specified if and only if corpora is set to drive.")
		}
		if !s.member(driveID, c.caller) {
			return 0, notFound("Shared drive", driveID)
		}
	}
	var items []*File
	for _, f := range s.data.Files {
		if f.Deleted {
			continue
		}
		switch corpora {
		case "drive":
			if f.DriveID != driveID {
				continue
			}
		case "user", "domain", "allDrives":
			if !s.data.canSee(f, c.caller) {
				continue
			}
			if f.DriveID != "" && !all {
				continue
			}
		default:
			return 0, invalid("Invalid Value")
		}
		if q(f, c.caller, s.data) {
			items = append(items, f)
		}
	}
	slices.SortFunc(items, func(a, b *File) int { return strings.Compare(a.ID, b.ID) })
	page, next, err := emulator.CursorOf(c.r, items, emulator.CursorParams{Cursor: "pageToken", Size: "pageSize", DefaultSize: 100, MaxSize: 1000})
	if err != nil {
		return 0, invalid("Invalid Value")
	}
	files := make([]any, 0, len(page))
	for _, f := range page {
		files = append(files, s.fileJSON(f, c))
	}
	v := map[string]any{"kind": "drive#fileList", "incompleteSearch": false, "files": files}
	if next != "" {
		v["nextPageToken"] = next
	}
	return masked(c, v)
}

// visible returns the file the caller asks for, or the error answer.
func (s *Server) visible(c *call) (*File, *Reason) {
	id := c.r.PathValue("id")
	f := s.data.File(id)
	if f == nil || f.Deleted || !s.data.canSee(f, c.caller) {
		r := notFound("File", id)
		return nil, &r
	}
	// files.export takes no supportsAllDrives: it reads any file it can see.
	if f.DriveID != "" && !boolParam(c, "supportsAllDrives") && !strings.HasSuffix(c.r.URL.Path, "/export") {
		r := notFound("File", id)
		return nil, &r
	}
	return f, nil
}

func (s *Server) getFile(c *call) (int, any) {
	if !c.has(driveScopes...) {
		return 0, insufficientScopes()
	}
	f, bad := s.visible(c)
	if bad != nil {
		return 0, *bad
	}
	if c.r.FormValue("alt") != "media" {
		return masked(c, s.fileJSON(f, c))
	}
	if !c.has(ScopeDrive, ScopeDriveReadonly) {
		return 0, insufficientScopes()
	}
	switch {
	case f.native():
		return 0, Reason{Status: http.StatusForbidden, Domain: "global", Reason: "fileNotDownloadable",
			Message: "Only files with binary content can be downloaded. Use Export with Docs Editors files."}
	case f.NoDownload:
		return 0, Reason{Status: http.StatusForbidden, Domain: "global", Reason: "fileNotDownloadable",
			Message: "The owner has restricted downloading of this file."}
	case f.Abusive && !boolParam(c, "acknowledgeAbuse"):
		return 0, Reason{Status: http.StatusForbidden, Domain: "global", Reason: "cannotDownloadAbusiveFile",
			Message: "This file has been identified as malware or spam and cannot be downloaded."}
	}
	c.w.Header().Set("Content-Type", f.MimeType)
	c.w.Header().Set("Content-Length", strconv.Itoa(len(f.Content)))
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(f.Content)
	return 0, nil
}

// Export MIME types the emulator converts to.
const (
	MimeText     = "text/plain"
	MimeMarkdown = "text/markdown"
	MimeCSV      = "text/csv"
	MimeXLSX     = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

func (s *Server) exportFile(c *call) (int, any) {
	if !c.has(ScopeDrive, ScopeDriveReadonly) {
		return 0, insufficientScopes()
	}
	f, bad := s.visible(c)
	if bad != nil {
		return 0, *bad
	}
	if !f.native() || f.MimeType == MimeFolder || f.MimeType == MimeShortcut {
		return 0, Reason{Status: http.StatusForbidden, Domain: "global", Reason: "fileNotExportable",
			Message: "Export only supports Docs Editors files."}
	}
	target := c.r.FormValue("mimeType")
	body, ok := exportBody(f, target)
	if !ok {
		return 0, invalid("The requested conversion is not supported.")
	}
	if f.ExportTooLarge || len(body) > ExportLimit {
		return 0, Reason{Status: http.StatusForbidden, Domain: "global", Reason: "exportSizeLimitExceeded",
			Message: "This file is too large to be exported."}
	}
	c.w.Header().Set("Content-Type", target)
	c.w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(body)
	return 0, nil
}

// exportBody converts f to target.
func exportBody(f *File, target string) ([]byte, bool) {
	switch {
	case f.MimeType == MimeDoc && target == MimeMarkdown:
		return []byte(f.Text), true
	case f.MimeType == MimeDoc && target == MimeText:
		var b strings.Builder
		for _, line := range strings.Split(f.Text, "\n") {
			b.WriteString(strings.TrimLeft(line, "# "))
			b.WriteByte('\n')
		}
		return []byte(b.String()), true
	case f.MimeType == MimeSlides && target == MimeText:
		return []byte(strings.Join(f.Slides, "\n\n")), true
	case f.MimeType == MimeSheet && target == MimeCSV:
		var b bytes.Buffer
		if len(f.Sheets) > 0 {
			for _, row := range f.Sheets[0].Rows {
				b.WriteString(strings.Join(row, ",") + "\r\n")
			}
		}
		return b.Bytes(), true
	case f.MimeType == MimeSheet && target == MimeXLSX:
		if f.xlsx == nil {
			f.xlsx = workbook(f.Sheets)
		}
		return f.xlsx, true
	}
	return nil, false
}

// workbooks caches built workbooks by their sheets, for the process:
// tests build many emulators of the same generated data.
var workbooks sync.Map

func workbook(sheets []Sheet) []byte {
	key := fmt.Sprint(sheets)
	if b, ok := workbooks.Load(key); ok {
		return b.([]byte)
	}
	b := buildWorkbook(sheets)
	workbooks.Store(key, b)
	return b
}

func buildWorkbook(sheets []Sheet) []byte {
	x := excelize.NewFile()
	defer x.Close()
	for i, sh := range sheets {
		name := sh.Name
		if i == 0 {
			x.SetSheetName("Sheet1", name)
		} else {
			x.NewSheet(name)
		}
		for r, row := range sh.Rows {
			for col, v := range row {
				cell, _ := excelize.CoordinatesToCellName(col+1, r+1)
				x.SetCellStr(name, cell, v)
			}
		}
	}
	var b bytes.Buffer
	x.Write(&b)
	return b.Bytes()
}

func (s *Server) listPermissions(c *call) (int, any) {
	if !c.has(driveScopes...) {
		return 0, insufficientScopes()
	}
	if sd := s.data.Drive(c.r.PathValue("id")); sd != nil && boolParam(c, "supportsAllDrives") {
		return s.driveMembers(c, sd)
	}
	f, bad := s.visible(c)
	if bad != nil {
		return 0, *bad
	}
	var perms []any
	if f.Owner != "" && f.DriveID == "" {
		perms = append(perms, permJSON(Permission{ID: "owner-" + f.ID, Type: "user", Role: "owner", EmailAddress: f.Owner}))
	}
	if f.DriveID != "" {
		if sd := s.data.Drive(f.DriveID); sd != nil {
			for _, m := range sd.Members {
				perms = append(perms, permJSON(Permission{ID: "member-" + m, Type: "user", Role: "organizer", EmailAddress: m}))
			}
		}
	}
	for _, p := range s.data.effective(f) {
		perms = append(perms, permJSON(p))
	}
	page, next, err := emulator.CursorOf(c.r, perms, emulator.CursorParams{Cursor: "pageToken", Size: "pageSize", DefaultSize: 100, MaxSize: 100})
	if err != nil {
		return 0, invalid("Invalid Value")
	}
	v := map[string]any{"kind": "drive#permissionList", "permissions": page}
	if next != "" {
		v["nextPageToken"] = next
	}
	return masked(c, v)
}

// driveMembers lists a shared drive's members as its permissions, to a
// member or, with useDomainAdminAccess, to an administrator.
func (s *Server) driveMembers(c *call, sd *SharedDrive) (int, any) {
	u := s.data.User(c.caller)
	if !s.member(sd.ID, c.caller) && !(boolParam(c, "useDomainAdminAccess") && u != nil && u.Admin) {
		return 0, notFound("Shared drive", sd.ID)
	}
	var perms []any
	for _, m := range sd.Members {
		perms = append(perms, permJSON(Permission{ID: "member-" + m, Type: "user", Role: "organizer", EmailAddress: m}))
	}
	page, next, err := emulator.CursorOf(c.r, perms, emulator.CursorParams{Cursor: "pageToken", Size: "pageSize", DefaultSize: 100, MaxSize: 100})
	if err != nil {
		return 0, invalid("Invalid Value")
	}
	v := map[string]any{"kind": "drive#permissionList", "permissions": page}
	if next != "" {
		v["nextPageToken"] = next
	}
	return masked(c, v)
}

func driveJSON(sd *SharedDrive) map[string]any {
	return map[string]any{"kind": "drive#drive", "id": sd.ID, "name": sd.Name, "createdTime": ts(sd.Created)}
}

func (s *Server) listDrives(c *call) (int, any) {
	if !c.has(driveScopes...) {
		return 0, insufficientScopes()
	}
	admin := boolParam(c, "useDomainAdminAccess")
	if admin {
		if u := s.data.User(c.caller); u == nil || !u.Admin {
			return 0, forbidden("The user does not have sufficient permissions for this operation.")
		}
	}
	var items []any
	for _, sd := range s.data.Drives {
		if admin || s.member(sd.ID, c.caller) {
			items = append(items, driveJSON(sd))
		}
	}
	page, next, err := emulator.CursorOf(c.r, items, emulator.CursorParams{Cursor: "pageToken", Size: "pageSize", DefaultSize: 10, MaxSize: 100})
	if err != nil {
		return 0, invalid("Invalid Value")
	}
	v := map[string]any{"kind": "drive#driveList", "drives": page}
	if next != "" {
		v["nextPageToken"] = next
	}
	return masked(c, v)
}

func (s *Server) getDrive(c *call) (int, any) {
	if !c.has(driveScopes...) {
		return 0, insufficientScopes()
	}
	id := c.r.PathValue("id")
	sd := s.data.Drive(id)
	u := s.data.User(c.caller)
	if boolParam(c, "useDomainAdminAccess") && (u == nil || !u.Admin) {
		return 0, forbidden("The user does not have sufficient permissions for this operation.")
	}
	if sd == nil || !(s.member(id, c.caller) || boolParam(c, "useDomainAdminAccess")) {
		return 0, notFound("Shared drive", id)
	}
	return masked(c, driveJSON(sd))
}

func (s *Server) startPageToken(c *call) (int, any) {
	if !c.has(driveScopes...) {
		return 0, insufficientScopes()
	}
	if id := c.r.FormValue("driveId"); id != "" {
		if !boolParam(c, "supportsAllDrives") {
			return 0, invalid("The supportsAllDrives parameter must be set to true when driveId is specified.")
		}
		if !s.member(id, c.caller) {
			return 0, notFound("Shared drive", id)
		}
	}
	return masked(c, map[string]any{"kind": "drive#startPageToken", "startPageToken": strconv.Itoa(s.data.seq + 1)})
}

func (s *Server) listChanges(c *call) (int, any) {
	if !c.has(driveScopes...) {
		return 0, insufficientScopes()
	}
	from, err := strconv.Atoi(c.r.FormValue("pageToken"))
	if err != nil || from < 1 {
		return 0, invalid("Invalid Value")
	}
	size := 100
	if v := c.r.FormValue("pageSize"); v != "" {
		if size, err = strconv.Atoi(v); err != nil || size < 1 {
			return 0, invalid("Invalid Value")
		}
		size = min(size, 1000)
	}
	driveID := c.r.FormValue("driveId")
	if driveID != "" && (!boolParam(c, "supportsAllDrives") || !s.member(driveID, c.caller)) {
		return 0, notFound("Shared drive", driveID)
	}
	all := boolParam(c, "includeItemsFromAllDrives")
	includeRemoved := c.r.FormValue("includeRemoved") != "false"
	// The latest change of each file from the token on, in order.
	latest := map[string]int{}
	for i, ch := range s.data.changes {
		if ch.seq >= from {
			latest[ch.fileID] = i
		}
	}
	var out []any
	next := 0
	for i, ch := range s.data.changes {
		if ch.seq < from || latest[ch.fileID] != i {
			continue
		}
		f := s.data.File(ch.fileID)
		if f == nil {
			continue
		}
		if driveID != "" && f.DriveID != driveID {
			continue
		}
		if driveID == "" && (f.DriveID != "" && !all || !s.data.canSee(f, c.caller)) {
			continue
		}
		if len(out) == size {
			next = ch.seq
			break
		}
		e := map[string]any{"kind": "drive#change", "changeType": "file", "fileId": f.ID, "time": ts(ch.time),
			"removed": f.Deleted}
		if f.DriveID != "" {
			e["driveId"] = f.DriveID
		}
		if f.Deleted {
			if !includeRemoved {
				continue
			}
		} else {
			e["file"] = s.fileJSON(f, c)
		}
		out = append(out, e)
	}
	v := map[string]any{"kind": "drive#changeList", "changes": out}
	if next > 0 {
		v["nextPageToken"] = strconv.Itoa(next)
	} else {
		v["newStartPageToken"] = strconv.Itoa(s.data.seq + 1)
	}
	return masked(c, v)
}
