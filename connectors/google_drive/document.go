package googledrive

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
)

// toDocument maps a file's metadata; its one section is empty until the
// content is read.
func (c *Connector) toDocument(f *apiFile) *tributary.Document {
	link := f.WebViewLink
	if u, err := url.Parse(link); err == nil && link != "" {
		u.RawQuery = ""
		link = u.String()
	} else {
		link = fileID(f.ID)
	}
	d := &tributary.Document{ID: fileID(f.ID), Source: Source, SemanticID: cmpOr(f.Name, f.ID), Title: f.Name,
		Sections: []tributary.Section{tributary.TextSection(link, "")}, Metadata: tributary.Metadata{},
		CreatedAt: f.CreatedTime.UTC(), UpdatedAt: f.ModifiedTime.UTC()}
	d.Metadata.Add("mime_type", f.MimeType)
	d.Metadata.Add("drive_id", f.DriveID)
	d.Metadata.Add("file_id", f.ID)
	if f.Description != "" {
		d.Metadata.Add("description", f.Description)
	}
	for _, o := range f.Owners {
		d.PrimaryOwners = append(d.PrimaryOwners, person(o))
	}
	if f.LastModifying != nil && f.LastModifying.EmailAddress != "" {
		d.SecondaryOwners = []tributary.Person{person(*f.LastModifying)}
	}
	return d
}

func person(u apiUser) tributary.Person {
	p := tributary.Person{DisplayName: u.DisplayName, Email: strings.ToLower(u.EmailAddress)}
	if first, last, ok := strings.Cut(u.DisplayName, " "); ok {
		p.FirstName, p.LastName = first, last
	}
	return p
}

// exported are the Google formats read, with the type each is exported as.
var exported = map[string]string{
	mimeDoc:    "text/markdown",
	mimeSheet:  mimeXLSX,
	mimeSlides: "text/plain",
}

// downloaded maps the MIME types of files read to their format.
var downloaded = map[string]extract.Format{
	"application/pdf": extract.FormatPDF,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": extract.FormatDOCX,
	mimeXLSX: extract.FormatXLSX,
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": extract.FormatPPTX,
	"text/plain":                extract.FormatText,
	"text/markdown":             extract.FormatMarkdown,
	"text/x-markdown":           extract.FormatMarkdown,
	"text/csv":                  extract.FormatCSV,
	"text/tab-separated-values": extract.FormatTSV,
	"text/html":                 extract.FormatHTML,
	"application/json":          extract.FormatJSON,
	"message/rfc822":            extract.FormatEML,
}

// formatOf returns the format a downloaded file is extracted as: by its
// MIME type, else by its name's extension.
func formatOf(f *apiFile) extract.Format {
	if ft, ok := downloaded[f.MimeType]; ok {
		return ft
	}
	switch ft := extract.FormatOf(f.Name); ft {
	case extract.FormatZip, extract.FormatTar, extract.FormatGzip:
		return extract.FormatUnknown
	default:
		return ft
	}
}

// skipReason says why a file is passed over on purpose (decided from its
// metadata alone, so that slim listings admit what loads admit), or "".
func (c *Connector) skipReason(f *apiFile) string {
	if _, ok := exported[f.MimeType]; ok {
		return ""
	}
	if strings.HasPrefix(f.MimeType, "application/vnd.google-apps.") {
		return "google format without text export: " + f.MimeType
	}
	if formatOf(f) == extract.FormatUnknown {
		return "no text extractor for " + cmpOr(f.MimeType, path.Ext(f.Name))
	}
	var size int64
	fmt.Sscan(f.Size, &size)
	if size > c.settings.MaxFileSize {
		return fmt.Sprintf("larger than max_file_size (%d bytes)", size)
	}
	return ""
}

// content reads a file's text: Google Docs exported as Markdown, Sheets as
// a workbook (a table section per sheet), Slides as text, and other files
// downloaded and extracted by the file connector's extractors.
func (c *Connector) content(ctx context.Context, f *apiFile, link string) ([]tributary.Section, error) {
	limit := c.settings.MaxFileSize
	var (
		b      []byte
		ct     string
		err    error
		format extract.Format
	)
	if target, ok := exported[f.MimeType]; ok {
		q := url.Values{"mimeType": {target}}
		b, ct, err = c.client.download(ctx, join(c.client.drive, "/files/"+url.PathEscape(f.ID)+"/export", q), limit, "")
		format = map[string]extract.Format{"text/markdown": extract.FormatMarkdown, mimeXLSX: extract.FormatXLSX, "text/plain": extract.FormatText}[target]
	} else {
		q := url.Values{"alt": {"media"}, "supportsAllDrives": {"true"}}
		b, ct, err = c.client.download(ctx, join(c.client.drive, "/files/"+url.PathEscape(f.ID), q), limit, f.MD5)
		format = formatOf(f)
	}
	if errors.Is(err, errTooLarge) {
		return nil, tributary.NewError("google_drive: read content", tributary.ErrInvalidConfig,
			fmt.Errorf("the content is larger than max_file_size (%d bytes)", limit))
	}
	if err != nil {
		return nil, err
	}
	doc, err := extract.Extract(format, b, charsetOf(ct), extract.Limits{MaxText: 16 << 20, MaxPart: 64 << 20})
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", format, err)
	}
	out := make([]tributary.Section, 0, len(doc.Sections))
	for _, s := range doc.Sections {
		if s.Kind == tributary.SectionImage {
			continue
		}
		s.Link = link + s.Link
		out = append(out, s)
	}
	return out, nil
}

// charsetOf returns the charset a Content-Type names, or "".
func charsetOf(ct string) string {
	for _, part := range strings.Split(ct, ";") {
		if k, v, ok := strings.Cut(strings.TrimSpace(part), "="); ok && strings.EqualFold(k, "charset") {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}
