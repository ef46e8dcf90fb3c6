package extract

import (
	"bytes"
	"encoding/csv"
	"errors"

	"github.com/tributary-dev/tributary"
)

// keepTable keeps the CSV of one table through l.KeepImage, when it is
// set, and sets the BlobID of each of the table's sections to its id. The
// table is the table sections of secs (a sheet, or a CSV file, split every
// TableRows rows): the CSV holds its header once and then every row, with
// commas, as encoding/csv writes it, and is named part. A CSV over
// l.MaxPart bytes is not kept.
func keepTable(secs []tributary.Section, part string, l Limits) error {
	if l.KeepImage == nil {
		return nil
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&limitedWriter{w: &buf, n: l.maxPart()})
	header := true
	for _, s := range secs {
		if s.Kind != tributary.SectionTable || len(s.Rows) == 0 {
			continue
		}
		rows := s.Rows
		if !header {
			rows = rows[1:] // each section repeats the header
		}
		header = false
		if err := w.WriteAll(rows); err != nil {
			return nil // over the bound: the table keeps its rows only
		}
	}
	if header {
		return nil // no table
	}
	id, err := l.KeepImage(Image{Part: part, MediaType: "text/csv", Data: buf.Bytes()})
	if err != nil || id == "" {
		return err
	}
	for i := range secs {
		if secs[i].Kind == tributary.SectionTable {
			secs[i].BlobID = id
		}
	}
	return nil
}

var errOverBound = errors.New("over bound")

// limitedWriter fails a write that would take it past n bytes.
type limitedWriter struct {
	w *bytes.Buffer
	n int64
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if int64(l.w.Len()+len(p)) > l.n {
		return 0, errOverBound
	}
	return l.w.Write(p)
}
