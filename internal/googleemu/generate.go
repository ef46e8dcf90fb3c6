package googleemu

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// GenerateOptions shape a generated domain.
type GenerateOptions struct {
	// Domain is the Workspace domain; "acme.test" when empty.
	Domain string
	// Users is the number of users (the first administers the domain); 3
	// when zero.
	Users int
	// SharedDrives is the number of shared drives, every user a member of
	// each; FilesPerDrive the files in each, spread over Folders folders
	// (every other folder nested in the one before).
	SharedDrives  int
	FilesPerDrive int
	Folders       int
	// FilesPerUser is the number of files each user owns in My Drive; some
	// are shared with other users, a group, the domain or anyone with the
	// link.
	FilesPerUser int
	// Start is the earliest creation time; Span how long after it files are
	// created and modified. Defaults: 2023-01-01 and a year.
	Start time.Time
	Span  time.Duration
	Seed  uint64
	// Light makes only Google Docs and text files, which are cheap to
	// serve, for scale tests.
	Light bool
}

// Generate returns a domain with users, groups, shared drives, folders and
// files of every kind the connector reads: Google Docs, Sheets and Slides,
// plain text, Markdown and CSV files.
func Generate(o GenerateOptions) *Data {
	if o.Domain == "" {
		o.Domain = "acme.test"
	}
	if o.Users <= 0 {
		o.Users = 3
	}
	if o.Start.IsZero() {
		o.Start = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.Span <= 0 {
		o.Span = 365 * 24 * time.Hour
	}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b9))
	d := &Data{Domain: o.Domain}
	names := []string{"Ana Silva", "Bo Lind", "Chen Wei", "Dara Okafor", "Eli Cohen", "Fay Ito"}
	for i := range o.Users {
		name := names[i%len(names)]
		first := strings.ToLower(strings.Fields(name)[0])
		if i >= len(names) {
			first += fmt.Sprint(i)
		}
		d.Users = append(d.Users, &User{Email: first + "@" + o.Domain, Name: name, Admin: i == 0})
	}
	all := make([]string, 0, len(d.Users))
	for _, u := range d.Users {
		all = append(all, u.Email)
	}
	d.Groups = []*Group{{ID: "03ep43zb1grp001", Email: "eng@" + o.Domain, Name: "Engineering", Members: all[min(1, len(all)-1):]}}
	n := 0
	newID := func() string { n++; return fmt.Sprintf("1%s%029d", "Gd", n) }
	stamp := func() (time.Time, time.Time) {
		c := o.Start.Add(time.Duration(rng.Int64N(int64(o.Span)))).Truncate(time.Millisecond)
		return c, c.Add(time.Duration(rng.Int64N(int64(o.Span) / 3))).Truncate(time.Millisecond)
	}
	for di := range o.SharedDrives {
		c, _ := stamp()
		sd := &SharedDrive{ID: fmt.Sprintf("0A%s%017d", "Sd", di+1), Name: fmt.Sprintf("Team drive %d", di+1), Created: c, Members: all}
		d.Drives = append(d.Drives, sd)
		folders := []string{sd.ID}
		for fi := range o.Folders {
			parent := sd.ID
			if fi%2 == 1 {
				parent = folders[len(folders)-1]
			}
			c, m := stamp()
			f := &File{ID: newID(), Name: fmt.Sprintf("Folder %d.%d", di+1, fi+1), MimeType: MimeFolder, Parent: parent,
				DriveID: sd.ID, Created: c, Modified: m}
			d.Files = append(d.Files, f)
			folders = append(folders, f.ID)
		}
		for k := range o.FilesPerDrive {
			f := genFile(rng, newID(), kind(o, k), stamp)
			f.DriveID, f.Parent = sd.ID, folders[k%len(folders)]
			d.Files = append(d.Files, f)
		}
	}
	for ui, u := range d.Users {
		for k := range o.FilesPerUser {
			f := genFile(rng, newID(), kind(o, k+ui), stamp)
			f.Owner = u.Email
			switch k % 5 {
			case 1:
				f.Permissions = []Permission{{ID: "p-" + f.ID, Type: "user", Role: "reader", EmailAddress: all[(ui+1)%len(all)]}}
			case 2:
				f.Permissions = []Permission{{ID: "p-" + f.ID, Type: "group", Role: "writer", EmailAddress: d.Groups[0].Email}}
			case 3:
				f.Permissions = []Permission{{ID: "p-" + f.ID, Type: "domain", Role: "reader", Domain: o.Domain, AllowFileDiscovery: true}}
			case 4:
				f.Permissions = []Permission{{ID: "anyoneWithLink", Type: "anyone", Role: "reader"}}
			}
			d.Files = append(d.Files, f)
		}
	}
	d.index()
	return d
}

// kind picks the k-th file's kind: every kind, or with Light Docs and
// text files only.
func kind(o GenerateOptions, k int) int {
	if o.Light && k%6 > 0 && k%6 < 3 {
		return k + 3
	}
	return k
}

// genFile makes the k-th file: a Doc, Sheet, Slides, text, Markdown or CSV.
func genFile(rng *rand.Rand, id string, k int, stamp func() (time.Time, time.Time)) *File {
	c, m := stamp()
	f := &File{ID: id, Created: c, Modified: m}
	word := []string{"roadmap", "budget", "retro", "design", "notes", "plan"}[rng.IntN(6)]
	switch k % 6 {
	case 0:
		f.Name, f.MimeType = fmt.Sprintf("%s %d", word, k), MimeDoc
		f.Text = fmt.Sprintf("# %s %d\n\nThe %s for item %d.\n\n## Details\n\nMore about %s.\n", word, k, word, k, id)
	case 1:
		f.Name, f.MimeType = fmt.Sprintf("%s sheet %d", word, k), MimeSheet
		f.Sheets = []Sheet{{Name: "Summary", Rows: [][]string{{"item", "value"}, {word, fmt.Sprint(k)}}},
			{Name: "Detail", Rows: [][]string{{"id", "note"}, {id, "row of " + word}}}}
	case 2:
		f.Name, f.MimeType = fmt.Sprintf("%s deck %d", word, k), MimeSlides
		f.Slides = []string{fmt.Sprintf("%s %d", word, k), "Second slide about " + id}
	case 3:
		f.Name, f.MimeType = fmt.Sprintf("%s-%d.txt", word, k), "text/plain"
		f.Content = []byte(fmt.Sprintf("Plain text %s %d about %s.\n", word, k, id))
	case 4:
		f.Name, f.MimeType = fmt.Sprintf("%s-%d.md", word, k), "text/markdown"
		f.Content = []byte(fmt.Sprintf("# %s\n\nMarkdown %d about %s.\n", word, k, id))
	default:
		f.Name, f.MimeType = fmt.Sprintf("%s-%d.csv", word, k), "text/csv"
		f.Content = []byte(fmt.Sprintf("name,value\n%s,%d\n", word, k))
	}
	return f
}
