package sharepoint_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/sharepoint"
	"github.com/tributary-dev/tributary/internal/graphemu"
)

// Example reads one site with an app's client secret. Here the tenant is
// emulated, in memory.
func Example() {
	data := graphemu.Generate(graphemu.GenerateOptions{FilesPerDrive: 3, PagesPerSite: 1, Seed: 1})
	emu := graphemu.New(data, graphemu.Options{})
	defer emu.Close()
	emu.AddApp("00000000-0000-0000-0000-0000000000aa", "example-secret", graphemu.SitesReadAll)

	var s sharepoint.Settings
	s.SetDefaults()
	s.Sites = []string{"https://contoso.sharepoint.com/sites/site1"}
	cr := sharepoint.Credentials{TenantID: data.Domain, ClientID: "00000000-0000-0000-0000-0000000000aa",
		ClientSecret: tributary.NewSecret("example-secret")}
	c, err := sharepoint.New(s, cr, tributary.Env{HTTPClient: &http.Client{Transport: emu.Transport()}, AllowPrivateNetwork: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for d, err := range tributary.Poll(context.Background(), c, time.Time{}, time.Time{}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.Title, "—", d.Metadata.Get("mime_type")+d.Metadata.Get("kind"))
	}
	// Output:
	// Page 1 of site 1 — site_page
	// notes-0.txt — text/plain
	// guide-1.md — text/markdown
	// table-2.csv — text/csv
}
