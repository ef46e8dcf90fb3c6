package mock

import (
	"fmt"
	"time"

	"github.com/tributary-dev/tributary"
)

// Sample ids: documents are "mock://docs/N" for N from 1, in the folders
// SampleRoot and SampleSub.
const (
	SampleRoot = "mock://folders/root"
	SampleSub  = "mock://folders/sub"
)

// SampleTime returns the update time of sample document n: midnight UTC on
// 1 January 2024 for the first, one hour later for each next one.
func SampleTime(n int) time.Time {
	return time.Date(2024, time.January, 1, n-1, 0, 0, 0, time.UTC)
}

// Sample returns settings for n documents "mock://docs/1" to
// "mock://docs/n", document N updated at SampleTime(N) and created an
// hour before that, every third one in the folder SampleSub
// (inside SampleRoot) and the rest in SampleRoot, each visible to
// ana@example.com and to group-0 (even N, which are also public) or
// group-1 (odd N). Tests adjust the page size, faults and documents from
// there.
func Sample(n int) Settings {
	s := Settings{
		PageSize: 10,
		Nodes: []tributary.HierarchyNode{
			{ID: SampleRoot, Name: "Root", Kind: tributary.NodeFolder, Link: SampleRoot},
			{ID: SampleSub, ParentID: SampleRoot, Name: "Sub", Kind: tributary.NodeFolder, Link: SampleSub},
		},
	}
	for i := 1; i <= n; i++ {
		id := SampleID(i)
		parent := SampleRoot
		if i%3 == 0 {
			parent = SampleSub
		}
		updated := SampleTime(i)
		s.Documents = append(s.Documents, tributary.Document{
			ID:            id,
			SemanticID:    fmt.Sprintf("Document %d", i),
			Title:         fmt.Sprintf("Document %d", i),
			Sections:      []tributary.Section{tributary.TextSection(id, fmt.Sprintf("The text of document %d.", i))},
			Metadata:      tributary.Metadata{"number": {fmt.Sprint(i)}},
			UpdatedAt:     updated,
			CreatedAt:     updated.Add(-time.Hour),
			PrimaryOwners: []tributary.Person{{DisplayName: "Ana Lima", Email: "ana@example.com"}},
			ParentID:      parent,
			ExternalAccess: &tributary.ExternalAccess{
				UserEmails: []string{"ana@example.com"},
				GroupIDs:   []string{fmt.Sprintf("group-%d", i%2)},
				Public:     i%2 == 0,
			},
		})
	}
	return s
}

// SampleID returns the id of sample document n.
func SampleID(n int) string { return fmt.Sprintf("mock://docs/%d", n) }
