package sharepoint

import (
	"testing"
	"testing/synctest"

	"github.com/tributary-dev/tributary/internal/graphemu"
)

// TestBatchedPermissions reads a page's permissions in $batch requests; a
// file whose answer inside the batch was throttled is asked for alone,
// and every document still has its access.
func TestBatchedPermissions(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, graphemu.GenerateOptions{FilesPerDrive: 30, Seed: 5}, graphemu.Options{})
		env := f.env()
		env.WantPermissions = true
		c, err := newConnector(f.settings(), f.credentials(), env, fastRetry)
		if err != nil {
			t.Fatal(err)
		}
		f.emu.FailEveryCode("GET /v1.0/drives/{drive}/items/{item}/permissions", 4, graphemu.Throttled)
		got := collect(t.Context(), c, zero, zero, nil)
		if got.Err != nil || len(got.Documents) != 30 || len(got.Failures) != 0 {
			t.Fatalf("load: %v, %d documents, %v", got.Err, len(got.Documents), got.Failures)
		}
		for _, d := range got.Documents {
			if d.ExternalAccess == nil || len(d.ExternalAccess.GroupIDs) == 0 {
				t.Errorf("%s has access %+v", d.ID, d.ExternalAccess)
			}
		}
		batches := f.emu.Count("POST /v1.0/$batch")
		if batches != 2 { // 30 files on one page: 20 and 10
			t.Errorf("%d $batch requests, want 2", batches)
		}
		// Every permissions answer, inside batches or alone: 30 in the
		// batches, and one alone for each of the 7 throttled in them.
		if n := f.emu.Count("GET /v1.0/drives/{drive}/items/{item}/permissions"); n >= 30+30 {
			t.Errorf("%d permissions requests: the batches saved none", n)
		}
	})
}
