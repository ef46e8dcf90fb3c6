package googledrive_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/tributary-dev/tributary"
	googledrive "github.com/tributary-dev/tributary/connectors/google_drive"
	"github.com/tributary-dev/tributary/internal/googleemu"
)

// Example reads a shared drive with a service account acting as the
// domain's administrator. Here the domain is emulated, in memory.
func Example() {
	data := googleemu.Generate(googleemu.GenerateOptions{Users: 2, SharedDrives: 1, FilesPerDrive: 3, Seed: 1})
	emu := googleemu.New(data, googleemu.Options{})
	defer emu.Close()
	key := emu.AddServiceAccount("indexer@example-project.iam.gserviceaccount.com", googledrive.DefaultTokenURI,
		googleemu.ScopeDriveReadonly, googleemu.ScopeUserReadonly)

	var s googledrive.Settings
	s.SetDefaults()
	s.AdminEmail = data.Users[0].Email
	s.IncludeMyDrives = false
	c, err := googledrive.New(s, googledrive.Credentials{ServiceAccountKey: tributary.NewSecret(string(key))},
		tributary.Env{HTTPClient: &http.Client{Transport: emu.Transport()}, AllowPrivateNetwork: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for d, err := range tributary.Poll(context.Background(), c, time.Time{}, time.Time{}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.Title, "—", d.Metadata.Get("mime_type"))
	}
	// Output:
	// roadmap 0 — application/vnd.google-apps.document
	// plan sheet 1 — application/vnd.google-apps.spreadsheet
	// budget deck 2 — application/vnd.google-apps.presentation
}
