package extract

import (
	"fmt"
	"io"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/xuri/excelize/v2"
)

// XLSX extracts an Excel workbook with github.com/xuri/excelize/v2: one
// table section per sheet (headed by the sheet's name; sheets longer than
// TableRows rows are split, repeating the first row), and the title and
// author of its properties. A password-protected workbook fails with
// ErrEncrypted. Decompression is bounded by l.MaxPart. With l.KeepImage
// set, each sheet's rows are also kept as one CSV ("Sheet1.csv",
// text/csv) that every section of the sheet references.
func XLSX(r io.ReaderAt, size int64, l Limits) (*Doc, error) {
	z, err := openOOXML(r, size, "XLSX")
	if err != nil {
		return nil, err
	}
	var expanded uint64
	for _, f := range z.File {
		expanded += f.UncompressedSize64
	}
	if expanded > uint64(l.maxPart()) {
		return nil, fmt.Errorf("%w: XLSX expands to %d bytes, over %d", ErrTooLarge, expanded, l.maxPart())
	}
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		UnzipSizeLimit: l.maxPart(), UnzipXMLSizeLimit: l.maxPart(),
	})
	if err != nil {
		return nil, fmt.Errorf("%w: XLSX: %w", ErrUndecodable, err)
	}
	defer f.Close()
	d := &Doc{}
	if p, err := f.GetDocProps(); err == nil && p != nil {
		d.Title = strings.TrimSpace(p.Title)
		if c := strings.TrimSpace(p.Creator); c != "" {
			d.Authors = []tributary.Person{{DisplayName: c}}
		}
		d.Created, d.Updated = parseW3CTime(p.Created), parseW3CTime(p.Modified)
	}
	sheets := f.GetSheetList()
	if len(sheets) > l.maxParts() {
		return nil, fmt.Errorf("%w: XLSX has %d sheets, over %d", ErrTooLarge, len(sheets), l.maxParts())
	}
	var cells int64
	for _, name := range sheets {
		start := len(d.Sections)
		if err := sheetSections(f, name, d, &cells, l); err != nil {
			return nil, err
		}
		if err := keepTable(d.Sections[start:], name+".csv", l); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func sheetSections(f *excelize.File, name string, d *Doc, cells *int64, l Limits) error {
	rows, err := f.Rows(name)
	if err != nil {
		return fmt.Errorf("%w: XLSX sheet %q: %w", ErrUndecodable, name, err)
	}
	defer rows.Close()
	var header []string
	var body [][]string
	flush := func() {
		d.Sections = append(d.Sections, tributary.Section{Kind: tributary.SectionTable,
			Heading: name, Rows: append([][]string{header}, body...)})
		body = nil
	}
	for rows.Next() {
		cols, err := rows.Columns()
		if err != nil {
			return fmt.Errorf("%w: XLSX sheet %q: %w", ErrUndecodable, name, err)
		}
		for _, c := range cols {
			*cells += int64(len(c)) + 1
		}
		if *cells > l.maxText() {
			return fmt.Errorf("%w: XLSX text over %d bytes", ErrTooLarge, l.maxText())
		}
		if header == nil {
			header = cols
			continue
		}
		body = append(body, cols)
		if len(body) == TableRows {
			flush()
		}
	}
	if err := rows.Error(); err != nil {
		return fmt.Errorf("%w: XLSX sheet %q: %w", ErrUndecodable, name, err)
	}
	if header != nil && (len(body) > 0 || !hasSheet(d, name)) {
		flush()
	}
	return nil
}

func hasSheet(d *Doc, name string) bool {
	for _, s := range d.Sections {
		if s.Heading == name {
			return true
		}
	}
	return false
}
