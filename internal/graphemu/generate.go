package graphemu

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// GenerateOptions shape a generated tenant.
type GenerateOptions struct {
	// Host is the SharePoint host; "contoso.sharepoint.com" when empty.
	Host string
	// Users is the number of users, 4 when zero; Groups the number of
	// groups (the last nests the first), 2 when zero.
	Users, Groups int
	// Sites is the number of sites, 1 when zero; DrivesPerSite the
	// document libraries of each, 1 when zero; FilesPerDrive the files of
	// each, spread over Folders folders (every other one nested in the one
	// before); PagesPerSite the site pages of each.
	Sites, DrivesPerSite, FilesPerDrive, Folders, PagesPerSite int
	// Start is the earliest creation time; Span how long after it items
	// are created. Defaults: 2023-01-01 and a year.
	Start time.Time
	Span  time.Duration
	Seed  uint64
	// Light makes only small text files without sharing, for scale tests.
	Light bool
}

// idOf returns an id of n characters of alphabet drawn from rng.
func idOf(rng *rand.Rand, alphabet string, n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(alphabet[rng.IntN(len(alphabet))])
	}
	return b.String()
}

const (
	upper  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	hexa   = "0123456789abcdef"
)

func guid(rng *rand.Rand) string {
	h := idOf(rng, hexa, 32)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// Generate returns a tenant with users, groups, sites, libraries, folders,
// files of the kinds the connector extracts (text, Markdown, CSV, HTML,
// JSON) shared in every way, and site pages.
func Generate(o GenerateOptions) *Data {
	if o.Host == "" {
		o.Host = "contoso.sharepoint.com"
	}
	o.Users = max(o.Users, 0)
	if o.Users == 0 {
		o.Users = 4
	}
	if o.Groups == 0 {
		o.Groups = 2
	}
	o.Sites = max(o.Sites, 1)
	o.DrivesPerSite = max(o.DrivesPerSite, 1)
	if o.Start.IsZero() {
		o.Start = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.Span <= 0 {
		o.Span = 365 * 24 * time.Hour
	}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x5eed))
	tenant := strings.Split(o.Host, ".")[0]
	d := &Data{TenantID: guid(rng), Domain: tenant + ".onmicrosoft.com", Host: o.Host}
	names := []string{"Adele Vance", "Bianca Pisani", "Diego Siciliani", "Grady Archie", "Isaiah Langer", "Johanna Lorenz"}
	for i := range o.Users {
		name := names[i%len(names)]
		if i >= len(names) {
			name += fmt.Sprint(" ", i)
		}
		first := strings.ToLower(strings.Fields(name)[0])
		if i >= len(names) {
			first += fmt.Sprint(i)
		}
		mail := first + "@" + strings.TrimSuffix(o.Host, ".sharepoint.com") + ".test"
		d.Users = append(d.Users, &User{ID: guid(rng), DisplayName: name, Mail: mail, UPN: mail})
	}
	for i := range o.Groups {
		g := &Group{ID: guid(rng), DisplayName: fmt.Sprintf("Team %c", 'A'+i), Mail: fmt.Sprintf("team%c@%s.test", 'a'+i, tenant)}
		for j, u := range d.Users {
			if j%o.Groups == i {
				g.Members = append(g.Members, u.ID)
			}
		}
		d.Groups = append(d.Groups, g)
	}
	if o.Groups > 1 {
		last := d.Groups[len(d.Groups)-1]
		last.Members = append(last.Members, d.Groups[0].ID) // nested
	}
	at := func() time.Time {
		return o.Start.Add(time.Duration(rng.Int64N(int64(o.Span/time.Second))) * time.Second)
	}
	user := func() string { return d.Users[rng.IntN(len(d.Users))].ID }
	for si := range o.Sites {
		created := at()
		site := d.AddSite(o.Host+","+guid(rng)+","+guid(rng), fmt.Sprintf("/sites/site%d", si+1), fmt.Sprintf("Site %d", si+1), created)
		for pi := range o.PagesPerSite {
			pc := at()
			d.AddPage(site.ID, &Page{ID: guid(rng), Name: fmt.Sprintf("Page-%d.aspx", pi+1), Title: fmt.Sprintf("Page %d of site %d", pi+1, si+1),
				Created: pc, Modified: pc.Add(time.Duration(rng.IntN(86400*30)) * time.Second), CreatedBy: user(), ModifiedBy: user(),
				Sections: [][][]WebPart{{{{HTML: fmt.Sprintf("<h2>Welcome %d</h2><p>News of site %d.</p>", pi+1, si+1)}}},
					{{{HTML: "<p>Left column.</p>"}}, {{HTML: "<p>Right column with <a href=\"https://example.com\">a link</a>.</p>"}}}}})
		}
		for di := range o.DrivesPerSite {
			name := "Documents"
			if di > 0 {
				name = fmt.Sprintf("Library %d", di+1)
			}
			dr := d.AddDrive(site.ID, "b!"+idOf(rng, b64url, 64), name, created)
			if len(d.Groups) > 0 {
				dr.Root.Permissions = []Permission{{ID: "root-members", Roles: []string{"write"}, Group: d.Groups[si%len(d.Groups)].ID},
					{ID: "root-owner", Roles: []string{"owner"}, User: d.Users[0].ID}}
			}
			var folders []string
			for fi := range o.Folders {
				parent := ""
				if fi%2 == 1 {
					parent = folders[fi-1]
				}
				fc := at()
				f := d.AddItem(dr.ID, parent, &Item{ID: "01" + idOf(rng, upper, 32), Name: fmt.Sprintf("Folder %d", fi+1), Folder: true,
					Created: fc, Modified: fc, CreatedBy: user(), ModifiedBy: user()})
				folders = append(folders, f.ID)
			}
			for i := range o.FilesPerDrive {
				parent := ""
				if len(folders) > 0 && i%3 != 0 {
					parent = folders[i%len(folders)]
				}
				fc := at()
				it := &Item{ID: "01" + idOf(rng, upper, 32), Created: fc, Modified: fc.Add(time.Duration(1+rng.IntN(86400*30)) * time.Second),
					CreatedBy: user(), ModifiedBy: user()}
				kind := i % 5
				if o.Light {
					kind = 0
				}
				switch kind {
				case 0:
					it.Name, it.MimeType = fmt.Sprintf("notes-%d.txt", i), "text/plain"
					it.Content = fmt.Appendf(nil, "Notes %d of %s.\nPlain text.\n", i, name)
				case 1:
					it.Name, it.MimeType = fmt.Sprintf("guide-%d.md", i), "text/markdown"
					it.Content = fmt.Appendf(nil, "# Guide %d\n\nSome *markdown* text.\n\n## Part two\n\nMore.\n", i)
				case 2:
					it.Name, it.MimeType = fmt.Sprintf("table-%d.csv", i), "text/csv"
					it.Content = fmt.Appendf(nil, "name,count\nalpha,%d\nbeta,2\n", i)
				case 3:
					it.Name, it.MimeType = fmt.Sprintf("page-%d.html", i), "text/html"
					it.Content = fmt.Appendf(nil, "<html><head><title>Page %d</title></head><body><main><h1>Page %d</h1><p>Hello.</p></main></body></html>", i, i)
				case 4:
					it.Name, it.MimeType = fmt.Sprintf("data-%d.json", i), "application/json"
					it.Content = fmt.Appendf(nil, `{"item": %d, "ok": true}`, i)
				}
				if !o.Light {
					switch i % 7 {
					case 1:
						it.Permissions = []Permission{{ID: "p-user", Roles: []string{"read"}, User: user()}}
					case 2:
						it.Permissions = []Permission{{ID: "p-anon", Roles: []string{"read"}, LinkScope: "anonymous", LinkType: "view"}}
					case 3:
						it.Permissions = []Permission{{ID: "p-org", Roles: []string{"read"}, LinkScope: "organization", LinkType: "view"}}
					case 4:
						it.Permissions = []Permission{{ID: "p-users", Roles: []string{"write"}, LinkScope: "users", LinkType: "edit", LinkUsers: []string{user()}}}
					case 5:
						if len(d.Groups) > 1 {
							it.Permissions = []Permission{{ID: "p-group", Roles: []string{"read"}, Group: d.Groups[len(d.Groups)-1].ID}}
						}
					}
				}
				d.AddItem(dr.ID, parent, it)
			}
		}
	}
	return d
}
