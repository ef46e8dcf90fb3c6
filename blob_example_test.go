package tributary_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"iter"

	"github.com/tributary-dev/tributary"
)

// reportConnector yields one report whose chart is an image: its bytes go
// to the host's BlobSink, and the image section names them by BlobID.
type reportConnector struct{}

func (reportConnector) Source() tributary.DocumentSource { return "reports" }
func (reportConnector) Validate(context.Context) error   { return nil }

func (reportConnector) Load(ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		chart := tributary.Section{Kind: tributary.SectionImage, Text: "Revenue by region"}
		id, err := tributary.PutBlob(ctx, tributary.Blob{DocumentID: "report-1", Name: "chart.png", MediaType: "image/png",
			Data: []byte("\x89PNG...")})
		if err != nil { // the host's storage failed: stop before a reference is lost
			yield(nil, err)
			return
		}
		chart.BlobID = id // "" when the host keeps no raw bytes
		yield(&tributary.Document{ID: "report-1", Title: "Q3 report",
			Sections: []tributary.Section{tributary.TextSection("", "Revenue grew."), chart}}, nil)
	}
}

// A host that keeps raw bytes (images inside documents, table CSVs,
// original files) gives the Runner a BlobSink: a blob is stored before the
// document that references it reaches the Sink.
func ExampleBlobSink() {
	kept := map[string][]byte{}
	r := &tributary.Runner{
		Store: &tributary.MemoryStore{},
		Sink: tributary.SinkFunc(func(_ context.Context, b tributary.Batch) error {
			for _, d := range b.Documents {
				for _, s := range d.Sections {
					if s.BlobID != "" {
						fmt.Printf("%s: %s section %q, %d bytes kept\n", d.ID, s.Kind, s.Text, len(kept[s.BlobID]))
					}
				}
			}
			return nil
		}),
		Blobs: tributary.BlobSinkFunc(func(_ context.Context, b tributary.Blob) (string, error) {
			sum := sha256.Sum256(b.Data) // the same bytes, the same id
			id := hex.EncodeToString(sum[:8])
			kept[id] = append([]byte(nil), b.Data...) // PutBlob keeps no reference to b.Data
			return id, nil
		}),
	}
	res, err := r.Run(context.Background(), reportConnector{}, tributary.RunOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("documents=%d blobs=%d\n", res.Documents, res.Blobs)
	// Output:
	// report-1: image section "Revenue by region", 7 bytes kept
	// documents=1 blobs=1
}
