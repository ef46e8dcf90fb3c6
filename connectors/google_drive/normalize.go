package googledrive

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// NormalizeURL returns the document id a Drive or Docs editors link names:
// https://drive.google.com/file/d/ID/..., /open?id=ID, /uc?id=ID, and
// https://docs.google.com/{document,spreadsheets,presentation}/d/ID/...
// (with or without a /u/N/ account prefix), whatever their query or
// fragment. It sends no request, so it does not check that the file is in
// the configured scope. Folder and shared drive links name no document
// (ErrNotSupported); links of other sites fail with ErrForeignURL. Errors
// name the URL without query, fragment or user information.
func (c *Connector) NormalizeURL(_ context.Context, rawURL string) (string, error) {
	const op = "google_drive: normalize url"
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return "", tributary.NewError(op, tributary.ErrForeignURL, errors.New("not an http or https URL"))
	}
	shown := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) >= 2 && parts[0] == "u" { // /u/1/... picks a signed-in account
		parts = parts[2:]
	}
	id := ""
	switch strings.ToLower(u.Host) {
	case "drive.google.com":
		switch {
		case len(parts) >= 3 && parts[0] == "file" && parts[1] == "d":
			id = parts[2]
		case len(parts) == 1 && (parts[0] == "open" || parts[0] == "uc"):
			id = u.Query().Get("id")
		default:
			return "", tributary.NewError(op, tributary.ErrNotSupported, errors.New(shown+" names no file"))
		}
	case "docs.google.com":
		if len(parts) >= 3 && parts[1] == "u" { // /document/u/0/d/ID
			parts = append(parts[:1:1], parts[3:]...)
		}
		if len(parts) >= 3 && parts[1] == "d" && (parts[0] == "document" || parts[0] == "spreadsheets" || parts[0] == "presentation") {
			id = parts[2]
		} else {
			return "", tributary.NewError(op, tributary.ErrNotSupported, errors.New(shown+" names no file"))
		}
	default:
		return "", tributary.NewError(op, tributary.ErrForeignURL, errors.New(shown+" is not a Google Drive URL"))
	}
	if !driveID.MatchString(id) {
		return "", tributary.NewError(op, tributary.ErrNotSupported, errors.New(shown+" names no file id"))
	}
	return fileID(id), nil
}
