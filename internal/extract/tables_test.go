package extract_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
	"github.com/tributary-dev/tributary/internal/fixture"
)

type keeper struct{ kept []extract.Image }

func (k *keeper) keep(im extract.Image) (string, error) {
	k.kept = append(k.kept, im)
	return fmt.Sprintf("blob%d", len(k.kept)), nil
}

func TestXLSXTableCSV(t *testing.T) {
	long := [][]string{{"n", "note"}}
	var want strings.Builder
	want.WriteString("n,note\n")
	for i := range extract.TableRows + 3 {
		long = append(long, []string{fmt.Sprint(i), `say "hi", twice`})
		fmt.Fprintf(&want, "%d,\"say \"\"hi\"\", twice\"\n", i)
	}
	xlsx := fixture.XLSX([]string{"Budget", "Long"}, map[string][][]string{
		"Budget": {{"item", "cost"}, {"Rent", "1200"}, {"Food", "300"}},
		"Long":   long,
	})
	var k keeper
	d, err := extract.Extract(extract.FormatXLSX, xlsx, "", extract.Limits{KeepImage: k.keep})
	require.NoError(t, err)
	require.Len(t, k.kept, 2)
	assert.Equal(t, extract.Image{Part: "Budget.csv", MediaType: "text/csv", Data: []byte("item,cost\nRent,1200\nFood,300\n")}, k.kept[0])
	assert.Equal(t, "Long.csv", k.kept[1].Part)
	assert.Equal(t, want.String(), string(k.kept[1].Data), "one CSV for the whole sheet, its header once")
	require.Len(t, d.Sections, 3)
	assert.Equal(t, "blob1", d.Sections[0].BlobID)
	assert.Equal(t, "blob2", d.Sections[1].BlobID)
	assert.Equal(t, "blob2", d.Sections[2].BlobID, "every section of a split sheet references its CSV")

	// The sections are the same with or without a blob.
	plain, err := extract.Extract(extract.FormatXLSX, xlsx, "", extract.Limits{})
	require.NoError(t, err)
	for i := range plain.Sections {
		s := d.Sections[i]
		s.BlobID = ""
		assert.Equal(t, plain.Sections[i], s)
	}

	// A store that fails stops the extraction.
	boom := errors.New("disk full")
	_, err = extract.Extract(extract.FormatXLSX, xlsx, "", extract.Limits{KeepImage: func(extract.Image) (string, error) { return "", boom }})
	require.ErrorIs(t, err, boom)
}

func TestCSVTableCSV(t *testing.T) {
	var k keeper
	d, err := extract.Extract(extract.FormatTSV, []byte("a\tb\n1\t\"x,y\"\n2\n"), "", extract.Limits{KeepImage: k.keep})
	require.NoError(t, err)
	require.Len(t, k.kept, 1)
	assert.Equal(t, extract.Image{Part: "table.csv", MediaType: "text/csv", Data: []byte("a,b\n1,\"x,y\"\n2\n")}, k.kept[0], "written with commas")
	require.Len(t, d.Sections, 1)
	assert.Equal(t, tributary.Section{Kind: tributary.SectionTable, Rows: [][]string{{"a", "b"}, {"1", "x,y"}, {"2"}}, BlobID: "blob1"}, d.Sections[0])

	// A CSV over MaxPart is not kept: quoting makes it longer than the
	// TSV it was read from.
	tsv := []byte(strings.Repeat("x,y\tz\n", 100))
	k = keeper{}
	d, err = extract.Extract(extract.FormatTSV, tsv, "", extract.Limits{MaxPart: int64(len(tsv)), KeepImage: k.keep})
	require.NoError(t, err)
	assert.Empty(t, k.kept)
	assert.Empty(t, d.Sections[0].BlobID)
	assert.Len(t, d.Sections[0].Rows, 100)

	// An empty file has no table to keep.
	k = keeper{}
	d, err = extract.Extract(extract.FormatCSV, nil, "", extract.Limits{KeepImage: k.keep})
	require.NoError(t, err)
	assert.Empty(t, k.kept)
	assert.Empty(t, d.Sections[0].BlobID)

	// Without KeepImage, no blob.
	d, err = extract.Extract(extract.FormatCSV, []byte("a,b\n1,2\n"), "", extract.Limits{})
	require.NoError(t, err)
	assert.Empty(t, d.Sections[0].BlobID)

	// A refused blob (no id) leaves the table as it was.
	d, err = extract.Extract(extract.FormatCSV, []byte("a,b\n1,2\n"), "", extract.Limits{KeepImage: func(extract.Image) (string, error) { return "", nil }})
	require.NoError(t, err)
	assert.Empty(t, d.Sections[0].BlobID)
}
