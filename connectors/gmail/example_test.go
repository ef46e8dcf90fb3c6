package gmail_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/gmail"
	"github.com/tributary-dev/tributary/internal/googleemu"
)

// Example reads one user's mailbox with a service account acting as that
// user. Here the domain is emulated, in memory: one thread of two
// messages, the first in quoted-printable Latin-1, the reply in HTML.
func Example() {
	data := googleemu.Generate(googleemu.GenerateOptions{Users: 2, Seed: 1})
	ana, bo := data.Users[0].Email, data.Users[1].Email
	mb := data.Mailbox(ana)
	t := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	first := mb.Add("", t, googleemu.Mail{From: "Bo Lind <" + bo + ">", To: []string{ana}, Subject: "Café menu", Date: t,
		Text: "Crème brûlée on Friday?", Charset: "iso-8859-1", Encoding: "quoted-printable"}.Build(), googleemu.LabelInbox)
	mb.Add(first.ThreadID, t.Add(time.Hour), googleemu.Mail{From: ana, To: []string{bo}, Subject: "Re: Café menu", Date: t.Add(time.Hour),
		HTML: "<p>Yes, <b>Friday</b>.</p>"}.Build(), googleemu.LabelSent)
	emu := googleemu.New(data, googleemu.Options{})
	defer emu.Close()
	key := emu.AddServiceAccount("indexer@example-project.iam.gserviceaccount.com", gmail.DefaultTokenURI, googleemu.ScopeGmailReadonly)

	var s gmail.Settings
	s.SetDefaults()
	s.UserEmails = []string{ana}
	c, err := gmail.New(s, gmail.Credentials{ServiceAccountKey: tributary.NewSecret(string(key))},
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
		fmt.Println(d.Title, "—", d.PrimaryOwners[0].Email, "—", d.Metadata["labels"])
		for _, sec := range d.Sections {
			fmt.Printf("%q\n", sec.Text)
		}
	}
	// Output:
	// Café menu — bo@acme.test — [INBOX SENT]
	// "From: Bo Lind <bo@acme.test>\nTo: ana@acme.test\nDate: Fri, 01 Mar 2024 09:00:00 +0000\nSubject: Café menu\n\nCrème brûlée on Friday?"
	// "From: ana@acme.test\nTo: bo@acme.test\nDate: Fri, 01 Mar 2024 10:00:00 +0000\nSubject: Re: Café menu\n\nYes, Friday."
}
