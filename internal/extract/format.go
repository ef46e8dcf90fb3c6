package extract

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"github.com/gabriel-vasile/mimetype"
)

// Format names a document format the package reads.
type Format string

// The formats. FormatZip, FormatTar and FormatGzip (a gzip stream, which
// may hold a tar archive) are archives: the package does not extract them,
// since their entries are documents of their own; callers walk them.
const (
	FormatUnknown  Format = ""
	FormatText     Format = "text"
	FormatMarkdown Format = "markdown"
	FormatHTML     Format = "html"
	FormatJSON     Format = "json"
	FormatCSV      Format = "csv"
	FormatTSV      Format = "tsv"
	FormatPDF      Format = "pdf"
	FormatDOCX     Format = "docx"
	FormatXLSX     Format = "xlsx"
	FormatPPTX     Format = "pptx"
	FormatEML      Format = "eml"
	FormatZip      Format = "zip"
	FormatTar      Format = "tar"
	FormatGzip     Format = "gzip"
)

var byExtension = map[string]Format{
	".md": FormatMarkdown, ".markdown": FormatMarkdown, ".mdown": FormatMarkdown, ".mkd": FormatMarkdown,
	".html": FormatHTML, ".htm": FormatHTML, ".xhtml": FormatHTML,
	".json": FormatJSON, ".csv": FormatCSV, ".tsv": FormatTSV, ".tab": FormatTSV,
	".pdf": FormatPDF, ".docx": FormatDOCX, ".xlsx": FormatXLSX, ".pptx": FormatPPTX,
	".eml": FormatEML, ".zip": FormatZip, ".tar": FormatTar, ".gz": FormatGzip, ".tgz": FormatGzip,
}

// textExtensions are plain-text formats: prose, markup, configuration and
// source code, indexed as they are written.
var textExtensions = strings.Fields(`.txt .text .log .rst .adoc .asciidoc .org .tex .rtf0
	.xml .yaml .yml .toml .ini .cfg .conf .properties .jsonl .ndjson .srt .vtt
	.go .py .js .mjs .cjs .ts .tsx .jsx .java .kt .kts .scala .c .h .cc .cpp .hpp .cxx .cs
	.rb .rs .php .pl .pm .swift .m .mm .r .jl .lua .sh .bash .zsh .fish .ps1 .bat .cmd
	.sql .graphql .proto .css .scss .sass .less .vue .svelte .dart .ex .exs .erl .hrl .hs
	.clj .el .lisp .scm .ml .mli .fs .vb .asm .s .mod .sum .gradle .cmake .mk .dockerfile
	.tf .hcl .nix .patch .diff .bib .gitignore .editorconfig`)

func init() {
	for _, e := range textExtensions {
		byExtension[e] = FormatText
	}
}

// FormatOf returns the format a file name's extension names, or
// FormatUnknown when the extension names none (or there is none); such
// files are told apart by content with Sniff.
func FormatOf(name string) Format {
	ext := strings.ToLower(path.Ext(name))
	if ext == "" {
		switch strings.ToLower(path.Base(name)) {
		case "readme", "license", "copying", "authors", "makefile", "dockerfile", "changelog", "notice":
			return FormatText
		}
	}
	return byExtension[ext]
}

// Sniff tells the format of content from its first bytes, with
// github.com/gabriel-vasile/mimetype, for files whose name does not say.
// It returns the detected MIME type too, and FormatUnknown for content it
// has no extractor for (an image, an executable).
func Sniff(head []byte) (Format, string) {
	m := mimetype.Detect(head)
	for mt := m; mt != nil; mt = mt.Parent() {
		switch {
		case mt.Is("text/html"):
			return FormatHTML, m.String()
		case mt.Is("application/pdf"):
			return FormatPDF, m.String()
		case mt.Is("application/vnd.openxmlformats-officedocument.wordprocessingml.document"):
			return FormatDOCX, m.String()
		case mt.Is("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
			return FormatXLSX, m.String()
		case mt.Is("application/vnd.openxmlformats-officedocument.presentationml.presentation"):
			return FormatPPTX, m.String()
		case mt.Is("message/rfc822"):
			return FormatEML, m.String()
		case mt.Is("application/json"):
			return FormatJSON, m.String()
		case mt.Is("text/csv"):
			return FormatCSV, m.String()
		case mt.Is("text/tab-separated-values"):
			return FormatTSV, m.String()
		case mt.Is("application/gzip"):
			return FormatGzip, m.String()
		case mt.Is("application/x-tar"):
			return FormatTar, m.String()
		case mt.Is("application/zip") && mt == m:
			// Only a plain zip is an archive: formats built on zip
			// (OpenDocument, EPUB, JAR) are documents with no extractor.
			return FormatZip, m.String()
		case mt.Is("application/zip"):
			return FormatUnknown, m.String()
		case mt.Is("text/plain"):
			return FormatText, m.String()
		}
	}
	return FormatUnknown, m.String()
}

// Extract extracts b in format f. label is a charset name for the text
// formats when one is known (an HTTP header's), or "". The archive
// formats and FormatUnknown fail with ErrUnsupported. With l.KeepImage
// set, a CSV or TSV table is kept as CSV ("table.csv", text/csv, written
// with commas), which its sections reference.
func Extract(f Format, b []byte, label string, l Limits) (*Doc, error) {
	if int64(len(b)) > l.maxPart() && f != FormatPDF && f != FormatDOCX && f != FormatXLSX && f != FormatPPTX && f != FormatEML {
		return nil, fmt.Errorf("%w: %d bytes, over %d", ErrTooLarge, len(b), l.maxPart())
	}
	switch f {
	case FormatText:
		return Text(b, label)
	case FormatMarkdown:
		return Markdown(b, label)
	case FormatHTML:
		ct := ""
		if label != "" {
			ct = "text/html; charset=" + label
		}
		h, err := HTML(b, ct, HTMLOptions{MaxText: l.MaxText})
		if err != nil {
			return nil, err
		}
		return &h.Doc, nil
	case FormatJSON:
		return JSON(b, label)
	case FormatCSV, FormatTSV:
		comma := ','
		if f == FormatTSV {
			comma = '\t'
		}
		d, err := CSV(b, label, comma)
		if err == nil {
			err = keepTable(d.Sections, "table.csv", l)
		}
		if err != nil {
			return nil, err
		}
		return d, nil
	case FormatPDF:
		return PDF(bytes.NewReader(b), int64(len(b)), l)
	case FormatDOCX:
		return DOCX(bytes.NewReader(b), int64(len(b)), l)
	case FormatXLSX:
		return XLSX(bytes.NewReader(b), int64(len(b)), l)
	case FormatPPTX:
		return PPTX(bytes.NewReader(b), int64(len(b)), l)
	case FormatEML:
		return EML(b, l)
	}
	return nil, fmt.Errorf("%w: format %q", ErrUnsupported, f)
}
