package sharepoint

import (
	"errors"
	"testing"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/graphemu"
)

func TestNormalizeURL(t *testing.T) {
	f := newFixture(t, graphemu.GenerateOptions{Sites: 2, FilesPerDrive: 4, Folders: 1, PagesPerSite: 1, Seed: 2}, graphemu.Options{})
	s := f.settings()
	s.Sites = []string{"https://contoso.sharepoint.com/sites/site1"}
	c := f.connector(t, s)
	d0, d1 := f.data.Drives[0], f.data.Drives[1]
	file := d0.Files()[1] // in the folder
	st := f.data.Sites[0]
	for _, tc := range []struct {
		url, want string
		kind      error
	}{
		{"https://contoso.sharepoint.com/sites/site1/Documents/Folder%201/" + file.Name + "?web=1#top", fileID(d0.ID, file.ID), nil},
		{"https://contoso.sharepoint.com/sites/site1/SitePages/Page-1.aspx", pageID(st.ID, st.Pages[0].ID), nil},
		{fileID(d0.ID, file.ID), fileID(d0.ID, file.ID), nil},
		{"https://contoso.sharepoint.com/sites/site1/Documents/Folder%201", "", tributary.ErrNotSupported},
		{"https://contoso.sharepoint.com/sites/site2/Documents/" + d1.Files()[0].Name, "", tributary.ErrForeignURL},
		{"https://example.com/sites/site1/Documents/x.txt", "", tributary.ErrForeignURL},
	} {
		got, err := c.NormalizeURL(t.Context(), tc.url)
		if got != tc.want || tc.kind == nil && err != nil || tc.kind != nil && !errors.Is(err, tc.kind) {
			t.Errorf("NormalizeURL(%s) = %q, %v; want %q, %v", tc.url, got, err, tc.want, tc.kind)
		}
	}
}
