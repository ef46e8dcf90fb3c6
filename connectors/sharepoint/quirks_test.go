package sharepoint

import (
	"errors"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/graphemu"
)

// TestThrottling: Graph's 429 and SharePoint's 503 with Retry-After are
// waited out as asked, and a throttle that outlasts the retries ends the
// run as a rate limit, never as a failure of one document.
func TestThrottling(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, small, graphemu.Options{})
		c := f.connector(t, f.settings())
		delta := "GET /v1.0/drives/{drive}/root/delta"
		long := graphemu.Unavailable
		long.RetryAfter = 30 * time.Second
		f.emu.FailNextCode(delta, 1, long)
		f.emu.FailNextCode(delta, 1, graphemu.Throttled)
		began := time.Now()
		got := collect(t.Context(), c, zero, zero, nil)
		if got.Err != nil || len(got.Documents) != 4 {
			t.Fatalf("load: %v, %d documents", got.Err, len(got.Documents))
		}
		if waited := time.Since(began); waited < 31*time.Second {
			t.Errorf("waited %v, want the 31 s the answers asked for", waited)
		}
		f.emu.FailEveryCode(delta, 1, graphemu.Unavailable)
		got = collect(t.Context(), c, zero, zero, nil)
		if !errors.Is(got.Err, tributary.ErrRateLimited) || len(got.Failures) != 0 {
			t.Errorf("endless throttling: %v, %d failures", got.Err, len(got.Failures))
		}
	})
}

// TestServerErrors: a 503 without Retry-After is a server error; a
// library that keeps failing is a failure of that library, with the
// window it missed, and the other documents still arrive.
func TestServerErrors(t *testing.T) {
	f := newFixture(t, small, graphemu.Options{})
	c := f.connector(t, f.settings())
	f.emu.FailEveryCode("GET /v1.0/drives/{drive}/root/delta", 1, graphemu.Code{Status: http.StatusServiceUnavailable, Code: "serviceNotAvailable", Message: "down"})
	got := collect(t.Context(), c, zero, zero, nil)
	if got.Err != nil || len(got.Failures) != 1 || len(got.Documents) != 1 {
		t.Fatalf("got %v, %d failures, %d documents (want the page)", got.Err, len(got.Failures), len(got.Documents))
	}
	if fl := got.Failures[0]; fl.EntityID != graphRoot+"/drives/"+f.data.Drives[0].ID || !errors.Is(fl, tributary.ErrTransient) {
		t.Errorf("failure %+v", fl)
	}
}

// TestMalformedListing: a delta page with neither link, or a next link
// that leaves the Graph API, is ErrMalformedResponse, not transient.
func TestMalformedListing(t *testing.T) {
	f := newFixture(t, small, graphemu.Options{})
	s := f.settings()
	s.Sites = []string{"https://contoso.sharepoint.com/sites/site1"}
	c := f.connector(t, s)
	if err := c.Validate(t.Context()); err != nil {
		t.Fatal(err)
	}
	var pos position
	pos.Site, pos.Drive, pos.Root = f.data.Sites[0].ID, f.data.Drives[0].ID, f.data.Drives[0].Root.ID
	pos.Link = "https://elsewhere.example/v1.0/drives/x/root/delta"
	cp, err := tributary.EncodeCheckpoint(checkpointKind, checkpointVersion, pos)
	if err != nil {
		t.Fatal(err)
	}
	// A checkpoint's link is followed only under the Graph API.
	if got := collect(t.Context(), c, zero, zero, cp); !errors.Is(got.Err, tributary.ErrInvalidCheckpoint) {
		t.Errorf("a checkpoint leading elsewhere: %v", got.Err)
	}
	for _, r := range f.emu.Requests() {
		if r.Path == "/v1.0/drives/x/root/delta" {
			t.Fatal("followed a link outside the Graph API")
		}
	}
	// A delta page without a link ends the library with a malformed
	// answer.
	f.emu.Handle("GET /v1.0/drives/{drive}/bad", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"value":[]}`))
	})
	pos.Link = graphRoot + "/drives/" + pos.Drive + "/bad"
	cp, _ = tributary.EncodeCheckpoint(checkpointKind, checkpointVersion, pos)
	got := collect(t.Context(), c, zero, zero, cp)
	if got.Err != nil || len(got.Failures) != 1 || !errors.Is(got.Failures[0], tributary.ErrMalformedResponse) {
		t.Errorf("a page without links: %v, %v", got.Err, got.Failures)
	}
	if _, err := decodePosition(tributary.Checkpoint(`{"kind":"sharepoint","version":1,"state":{"site":"a/b"}}`)); !errors.Is(err, tributary.ErrInvalidCheckpoint) {
		t.Errorf("bad site id in a checkpoint: %v", err)
	}
}

// TestPersonalSitesLeftOut: getAllSites also lists users' OneDrives (on
// the TENANT-my host); they are not read unless listed.
func TestPersonalSitesLeftOut(t *testing.T) {
	f := newFixture(t, small, graphemu.Options{})
	f.emu.Update(func(d *graphemu.Data) {
		st := d.AddSite("contoso-my.sharepoint.com,00000000-0000-0000-0000-000000000001,00000000-0000-0000-0000-000000000002",
			"/personal/adele_contoso_test", "Adele Vance", d.Now())
		st.Host = "contoso-my.sharepoint.com"
		dr := d.AddDrive(st.ID, "b!personal", "OneDrive", d.Now())
		d.AddItem(dr.ID, "", &graphemu.Item{ID: "01PERSONAL", Name: "diary.txt", MimeType: "text/plain", Content: []byte("mine")})
	})
	all := collect(t.Context(), f.connector(t, f.settings()), zero, zero, nil)
	if all.Err != nil || len(all.Documents) != 4 {
		t.Fatalf("all sites: %v, %d documents", all.Err, len(all.Documents))
	}
	s := f.settings()
	s.Sites = []string{"https://contoso-my.sharepoint.com/personal/adele_contoso_test"}
	listed := collect(t.Context(), f.connector(t, s), zero, zero, nil)
	if listed.Err != nil || len(listed.Documents) != 1 {
		t.Fatalf("listed personal site: %v, %d documents", listed.Err, len(listed.Documents))
	}
}

// TestDownloadCutShort: a download whose body is shorter than the item's
// size is fetched again with the stack's backoff, four times after the
// first if need be (two Loads at once share the emulator's fault
// schedule, so one item can meet several faults in a row); one that never
// arrives whole is a transient failure of that file, and the run goes on.
func TestDownloadCutShort(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, small, graphemu.Options{})
		c := f.connector(t, f.settings())
		download := "GET " + graphemu.DownloadPath
		f.emu.FailNext(download, 4, emulator.TruncatedBody)
		got := collect(t.Context(), c, zero, zero, nil)
		if got.Err != nil || len(got.Failures) != 0 || len(got.Documents) != 4 {
			t.Fatalf("load: %v, %d failures, %d documents", got.Err, len(got.Failures), len(got.Documents))
		}
		files := f.emu.Count(download) - 4

		f.emu.FailEvery(download, 1, emulator.TruncatedBody)
		got = collect(t.Context(), c, zero, zero, nil)
		if got.Err != nil || len(got.Failures) != files || len(got.Documents) != 4-files {
			t.Fatalf("never whole: %v, %d failures, %d documents (%d files)", got.Err, len(got.Failures), len(got.Documents), files)
		}
		for _, fl := range got.Failures {
			if !errors.Is(fl, tributary.ErrTransient) || fl.DocumentID == "" {
				t.Errorf("failure %+v", fl)
			}
		}
	})
}
