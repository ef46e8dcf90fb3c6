package sharepoint

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
)

// Document and node ids are canonical Graph URLs, which stay put when a
// file is renamed or moved within its library (webUrl does not).
func (c *Connector) siteNodeID(site string) string   { return c.client.graph + "/sites/" + site }
func (c *Connector) driveNodeID(drive string) string { return c.client.graph + "/drives/" + drive }
func (c *Connector) itemID(drive, item string) string {
	return c.client.graph + "/drives/" + drive + "/items/" + item
}
func (c *Connector) pageID(site, page string) string {
	return c.client.graph + "/sites/" + site + "/pages/" + page
}

// toDocument maps a file's metadata; its one section is empty until the
// content is read.
func (c *Connector) toDocument(drive string, it *apiItem, parent string) *tributary.Document {
	id := c.itemID(drive, it.ID)
	link := cmpOr(it.WebURL, id)
	d := &tributary.Document{ID: id, Source: Source, SemanticID: cmpOr(it.Name, it.ID), Title: it.Name, ParentID: parent,
		Sections: []tributary.Section{tributary.TextSection(link, "")}, Metadata: tributary.Metadata{},
		CreatedAt: it.Created.UTC(), UpdatedAt: it.Modified.UTC()}
	d.Metadata.Add("drive_id", drive)
	d.Metadata.Add("item_id", it.ID)
	if it.File != nil {
		d.Metadata.Add("mime_type", it.File.MimeType)
	}
	if p := person(it.By); p != nil {
		d.PrimaryOwners = []tributary.Person{*p}
	}
	if p := person(it.LastBy); p != nil {
		d.SecondaryOwners = []tributary.Person{*p}
	}
	return d
}

// person returns the user of an identity set, or nil.
func person(s *apiIdentitySet) *tributary.Person {
	if s == nil || s.User == nil || s.User.DisplayName == "" && s.User.Email == "" {
		return nil
	}
	p := &tributary.Person{DisplayName: s.User.DisplayName, Email: strings.ToLower(s.User.Email)}
	if first, last, ok := strings.Cut(s.User.DisplayName, " "); ok {
		p.FirstName, p.LastName = first, last
	}
	return p
}

// formats maps the MIME types of files read to their format.
var formats = map[string]extract.Format{
	"application/pdf": extract.FormatPDF,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   extract.FormatDOCX,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         extract.FormatXLSX,
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

// formatOf returns the format a file is extracted as: by its MIME type,
// else by its name's extension. Archives are not opened.
func formatOf(it *apiItem) extract.Format {
	if it.File != nil {
		if f, ok := formats[it.File.MimeType]; ok {
			return f
		}
	}
	switch f := extract.FormatOf(it.Name); f {
	case extract.FormatZip, extract.FormatTar, extract.FormatGzip:
		return extract.FormatUnknown
	default:
		return f
	}
}

// skipReason says why a file is passed over on purpose, decided from its
// metadata alone so that slim listings admit what loads admit, or "".
func (c *Connector) skipReason(it *apiItem) string {
	if formatOf(it) == extract.FormatUnknown {
		mt := ""
		if it.File != nil {
			mt = it.File.MimeType
		}
		return "no text extractor for " + cmpOr(path.Ext(it.Name), mt, "this file")
	}
	if *it.Size > c.settings.MaxFileSize {
		return fmt.Sprintf("larger than max_file_size (%d bytes)", c.settings.MaxFileSize)
	}
	return ""
}

// extractLimits bound what one file's extraction may produce.
var extractLimits = extract.Limits{MaxText: 16 << 20, MaxPart: 64 << 20}

// content downloads a file and extracts its text with the file
// connector's extractors; the pictures inside it are kept as blobs of
// document id when the host keeps raw bytes. A file that grew past
// max_file_size since it was listed is a failure of that file
// (extract.ErrTooLarge); a host whose blob storage fails ends the run
// (extract.ErrKeep, terminal).
func (c *Connector) content(ctx context.Context, drive string, it *apiItem, id, link string) ([]tributary.Section, error) {
	b, err := c.client.download(ctx, c.client.graph+"/drives/"+drive+"/items/"+it.ID+"/content", c.settings.MaxFileSize, *it.Size)
	if errors.Is(err, errTooLarge) {
		return nil, fmt.Errorf("%w: the content is larger than max_file_size (%d bytes)", extract.ErrTooLarge, c.settings.MaxFileSize)
	}
	if err != nil {
		return nil, err
	}
	format := formatOf(it)
	lim := extractLimits
	lim.KeepImage = extract.KeepImages(ctx, id)
	doc, err := extract.Extract(format, b, "", lim)
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", format, err)
	}
	return linked(doc.Sections, link), nil
}

// linked returns the sections with link before each section's own
// anchor: the text sections, and the picture sections whose bytes were
// kept as blobs.
func linked(secs []tributary.Section, link string) []tributary.Section {
	out := make([]tributary.Section, 0, len(secs))
	for _, s := range secs {
		if s.Kind == tributary.SectionImage && s.BlobID == "" {
			continue
		}
		s.Link = link + s.Link
		out = append(out, s)
	}
	return out
}
