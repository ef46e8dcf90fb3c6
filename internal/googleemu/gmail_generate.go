package googleemu

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// MailOptions shape generated mailboxes.
type MailOptions struct {
	// ThreadsPerUser is the number of threads each user's mailbox holds;
	// MaxMessages the most messages of a thread (3 when zero).
	ThreadsPerUser int
	MaxMessages    int
	// Start is the earliest message time; Span how long after it threads
	// begin. Defaults: 2023-01-01 and a year.
	Start time.Time
	Span  time.Duration
	Seed  uint64
	// Light makes plain-text messages only, for scale tests.
	Light bool
}

// GenerateMail fills the mailbox of every user of d with threads of every
// form the connector reads: plain text in UTF-8, quoted-printable Latin-1,
// base64, HTML alone, text with an HTML alternative, and attachments (a
// text file, a CSV); some threads are in the spam or the trash, some
// carry a user label, and every ninth is also delivered to the next user,
// who holds it in a thread of their own.
func GenerateMail(d *Data, o MailOptions) {
	if o.MaxMessages <= 0 {
		o.MaxMessages = 3
	}
	if o.Start.IsZero() {
		o.Start = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.Span <= 0 {
		o.Span = 365 * 24 * time.Hour
	}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x51ed27))
	for _, u := range d.Users {
		mb := d.Mailbox(u.Email)
		mb.Labels = []*Label{{ID: "Label_1", Name: "Projects"}, {ID: "Label_2", Name: "Receipts"}}
	}
	for ui, u := range d.Users {
		mb := d.Mailbox(u.Email)
		next := d.Users[(ui+1)%len(d.Users)]
		for k := range o.ThreadsPerUser {
			t := o.Start.Add(time.Duration(rng.Int64N(int64(o.Span)))).Truncate(time.Second)
			n := 1 + (k+ui)%o.MaxMessages
			if o.Light {
				n = 1 + k%2
			}
			var thread, copyThread string
			for i := range n {
				from, to := next.Email, u.Email
				if i%2 == 1 {
					from, to = u.Email, next.Email
				}
				if k%4 == 3 && i == 0 {
					from = "partner@vendor.test"
				}
				mail := genMail(k, i, from, to, t, o.Light)
				raw := mail.Build()
				labels := []string{LabelInbox}
				if from == u.Email {
					labels = []string{LabelSent}
				}
				switch {
				case !o.Light && k%16 == 7:
					labels = []string{LabelSpam}
				case !o.Light && k%16 == 9:
					labels = append(labels, LabelTrash)
				case k%5 == 0:
					labels = append(labels, "Label_1")
				}
				m := mb.Add(thread, t, raw, labels...)
				thread = m.ThreadID
				if k%9 == 4 && len(d.Users) > 1 {
					c := d.Mailbox(next.Email).Add(copyThread, t, raw, LabelInbox)
					copyThread = c.ThreadID
				}
				t = t.Add(time.Duration(1+rng.IntN(48)) * time.Hour)
			}
		}
	}
}

// genMail makes message i of thread k.
func genMail(k, i int, from, to string, t time.Time, light bool) Mail {
	subject := fmt.Sprintf("Thread %d about the %s", k, []string{"roadmap", "budget", "launch", "retro"}[k%4])
	if i > 0 {
		subject = "Re: " + subject
	}
	m := Mail{From: from, To: []string{to}, Subject: subject, Date: t,
		MessageID: fmt.Sprintf("<t%d.m%d.%d@mail.emulated>", k, i, t.Unix()),
		Text:      fmt.Sprintf("Message %d of thread %d.\n\nThe plan for item %d holds.\n", i, k, k)}
	if light {
		return m
	}
	switch k % 8 {
	case 1:
		m.Charset, m.Encoding = "iso-8859-1", "quoted-printable"
		m.Text = fmt.Sprintf("Café résumé %d of thread %d: à bientôt, naïve façade.\n", i, k)
	case 2:
		m.Encoding = "base64"
		m.Text = fmt.Sprintf("Base64 body %d of thread %d — naïve ünïcode.\n", i, k)
	case 3:
		m.Text = ""
		m.HTML = fmt.Sprintf("<html><body><p>HTML message %d of <b>thread %d</b>.</p><p>Second paragraph.</p></body></html>", i, k)
	case 4:
		m.Encoding = "quoted-printable"
		m.HTML = fmt.Sprintf("<p>Alternative HTML %d of thread %d</p>", i, k)
	case 5:
		m.Attachments = []Attachment{{Name: fmt.Sprintf("notes-%d.txt", k), Type: "text/plain",
			Data: []byte(fmt.Sprintf("Attached notes of thread %d.\n", k))}}
	case 6:
		m.Attachments = []Attachment{{Name: fmt.Sprintf("figures-%d.csv", k), Type: "text/csv",
			Data: []byte(fmt.Sprintf("item,value\nthread,%d\n", k))}}
	}
	return m
}
