package gmail

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/googleemu"
)

// Gmail's per-user quota answers 403 userRateLimitExceeded and
// rateLimitExceeded without Retry-After, and 429: all are retried, none is
// a failure or a missing permission.
func TestRateLimit403sAreRetried(t *testing.T) {
	f := newFixture(t, generate(2, 6, true), googleemu.Options{})
	c := f.connector(t, f.settings())
	f.emu.FailNextReason("GET /gmail/v1/users/{userId}/threads/{id}", 3, googleemu.UserRateLimitExceeded)
	f.emu.FailNextReason("GET /gmail/v1/users/{userId}/threads", 2, googleemu.RateLimitExceeded)
	f.emu.FailNextReason("GET /gmail/v1/users/{userId}/profile", 1, googleemu.TooManyRequests)
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Empty(t, got.Failures)
	require.Len(t, got.Documents, len(expectedIDs(f.data, nil, time.Time{}, time.Time{})))
}

// The MIME forms of the generated mailbox come out as text: base64 and
// quoted-printable bodies in UTF-8 and Latin-1, HTML reduced to its text,
// the plain alternative preferred, attachments named and, when asked,
// extracted after their message (a CSV as a table).
func TestMessagesAreDecoded(t *testing.T) {
	f := newFixture(t, generate(1, 8, false), googleemu.Options{})
	s := f.settings()
	s.IncludeAttachments = true
	got := collect(t.Context(), f.connector(t, s), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Empty(t, got.Failures)
	var all strings.Builder
	var attachments []string
	tables := 0
	for _, d := range got.Documents {
		require.NotEmpty(t, d.PrimaryOwners)
		require.Equal(t, []string{f.admin()}, d.ExternalAccess.UserEmails)
		require.Equal(t, mailboxNodeID(f.admin()), d.ParentID)
		attachments = append(attachments, d.Metadata["attachments"]...)
		for _, sec := range d.Sections {
			all.WriteString(sec.Text + "\n")
			if sec.Kind == tributary.SectionTable {
				tables++
			}
		}
	}
	text := all.String()
	for _, want := range []string{"Café résumé", "naïve ünïcode", "HTML message 0 of thread 3.", "Attached notes of thread 5.",
		"Message 0 of thread 4."} {
		require.Contains(t, text, want)
	}
	require.NotContains(t, text, "Alternative HTML", "the plain alternative is read")
	require.NotContains(t, text, "<b>")
	require.NotContains(t, text, "=E9", "quoted-printable decoded")
	require.Contains(t, attachments, "notes-5.txt")
	require.Contains(t, attachments, "figures-6.csv")
	require.Positive(t, tables)
	require.NotContains(t, text, "thread 7", "spam left out")
}

// An attachment over max_attachment_size is named, reported as a skip,
// and never downloaded.
func TestLargeAttachmentsAreNotRead(t *testing.T) {
	f := newFixture(t, generate(1, 8, false), googleemu.Options{})
	s := f.settings()
	s.IncludeAttachments = true
	s.MaxAttachmentSize = 8
	got := collect(t.Context(), f.connector(t, s), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Zero(t, f.emu.Count("GET /gmail/v1/users/{userId}/messages/{id}/attachments/{aid}"))
	named := 0
	for _, d := range got.Documents {
		named += len(d.Metadata["attachments"])
		for _, sec := range d.Sections {
			require.NotContains(t, sec.Text, "Attached notes")
		}
	}
	require.Positive(t, named)
}

// A mailbox that cannot be read (an address the service account may not
// act as) is a failure under the mailbox's node id; the other mailboxes
// are read.
func TestUnreadableMailboxIsAFailure(t *testing.T) {
	f := newFixture(t, generate(2, 4, true), googleemu.Options{})
	s := f.settings()
	s.UserEmails = []string{f.admin(), "ghost@acme.test"}
	got := collect(t.Context(), f.connector(t, s), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Failures, 1)
	require.Equal(t, mailboxNodeID("ghost@acme.test"), got.Failures[0].EntityID)
	require.NotEmpty(t, got.Documents)

	// Refetch answers each of its threads with a failure under its id.
	ids := []string{threadID("ghost@acme.test", "18a0"), threadID("ghost@acme.test", "18a1")}
	r := connectortest.CollectRefetch(t, t.Context(), f.connector(t, s), ids...)
	for _, id := range ids {
		require.Len(t, r.ByID[id], 1)
		require.Equal(t, id, r.ByID[id][0].Failure.DocumentID)
	}
}

// OAuth credentials read the consenting user's mailbox as "me".
func TestOAuthReadsOneMailbox(t *testing.T) {
	f := newFixture(t, generate(2, 4, true), googleemu.Options{})
	bo := f.data.Users[1].Email
	f.emu.AddRefreshToken("cid", "csecret", "1//refresh", bo, googleemu.ScopeGmailReadonly)
	var s Settings
	s.SetDefaults()
	c, err := newConnector(s, Credentials{ClientID: "cid", ClientSecret: tributary.NewSecret("csecret"), RefreshToken: tributary.NewSecret("1//refresh")},
		f.env(), fastRetry)
	require.NoError(t, err)
	require.NoError(t, c.Validate(t.Context()))
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.NotEmpty(t, got.Documents)
	for _, d := range got.Documents {
		require.True(t, strings.HasPrefix(d.ID, mailboxNodeID(bo)), d.ID)
	}

	f.emu.Revoke("1//refresh")
	f.emu.ExpireTokens()
	c, err = newConnector(s, Credentials{ClientID: "cid", ClientSecret: tributary.NewSecret("csecret"), RefreshToken: tributary.NewSecret("1//refresh")},
		f.env(), fastRetry)
	require.NoError(t, err)
	require.ErrorIs(t, c.Validate(t.Context()), tributary.ErrCredentialExpired)
}

// A listing that hands back the page token it was given would never end:
// it is ErrMalformedResponse, not retried as transient.
func TestRepeatedPageTokenIsMalformed(t *testing.T) {
	h := http.NewServeMux()
	h.HandleFunc("GET /gmail/v1/users/me/profile", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(`{"emailAddress":"ana@acme.test","historyId":"12"}`))
	})
	h.HandleFunc("GET /gmail/v1/users/me/labels", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(`{"labels":[]}`)) })
	h.HandleFunc("GET /gmail/v1/users/me/threads", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(`{"threads":[],"nextPageToken":"same"}`))
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	var s Settings
	s.SetDefaults()
	s.APIURL = srv.URL
	c, err := newConnector(s, Credentials{AccessToken: tributary.NewSecret("ya29.x")}, tributary.Env{AllowPrivateNetwork: true}, fastRetry)
	require.NoError(t, err)
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.ErrorIs(t, got.Err, tributary.ErrMalformedResponse)
	require.False(t, errors.Is(got.Err, tributary.ErrTransient))
}

// Refetch answers each id: a thread with its mailbox's node first, a
// thread deleted since as a deletion, a thread of a mailbox not read as a
// deletion, and an id of another source as a failure.
func TestRefetch(t *testing.T) {
	f := newFixture(t, generate(2, 4, false), googleemu.Options{})
	s := f.settings()
	s.UserEmails = []string{f.admin()}
	c := f.connector(t, s)
	threads := visibleThreads(f.data.Mailbox(f.admin()))
	f.emu.Update(func(d *googleemu.Data) { d.Mailbox(f.admin()).DeleteThread(threads[1]) })
	keep, gone := threadID(f.admin(), threads[0]), threadID(f.admin(), threads[1])
	other := threadID(f.data.Users[1].Email, visibleThreads(f.data.Mailbox(f.data.Users[1].Email))[0])
	r := connectortest.CollectRefetch(t, t.Context(), c, keep, gone, other, "https://drive.google.com/file/d/x/view")
	require.Equal(t, []string{mailboxNodeID(f.admin())}, r.Nodes)
	require.NotNil(t, r.ByID[keep][0].Document)
	require.Equal(t, gone, r.ByID[gone][0].Deletion)
	require.Equal(t, other, r.ByID[other][0].Deletion)
	require.NotNil(t, r.ByID["https://drive.google.com/file/d/x/view"][0].Failure)
}

// With include_delegates, a mailbox's accepted delegates may read its
// threads; Probe names gmail.settings.basic when the delegation lacks it.
func TestDelegatesJoinAccess(t *testing.T) {
	d := generate(2, 3, true)
	bo := d.Users[1].Email
	d.Mailbox(bo).Delegates = []string{"Assistant@acme.test"}
	f := newFixture(t, d, googleemu.Options{})
	s := f.settings()
	s.IncludeDelegates = true
	got := collect(t.Context(), f.connector(t, s), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	for _, doc := range got.Documents {
		if doc.Metadata.Get("mailbox") == bo {
			require.Equal(t, []string{"assistant@acme.test", bo}, doc.ExternalAccess.UserEmails)
		} else {
			require.Equal(t, []string{f.admin()}, doc.ExternalAccess.UserEmails)
		}
	}
	for _, p := range f.connector(t, s).Probe(t.Context()) {
		require.Equal(t, tributary.ProbePassed, p.Status, "%+v", p)
	}

	narrow := newFixture(t, generate(1, 1, true), googleemu.Options{})
	narrow.key = narrow.emu.AddServiceAccount("narrow@emulated-project.iam.gserviceaccount.com", DefaultTokenURI,
		googleemu.ScopeGmailReadonly, googleemu.ScopeUserReadonly)
	s = narrow.settings()
	s.IncludeDelegates = true
	results := narrow.connector(t, s).Probe(t.Context())
	require.Equal(t, tributary.CapIndexing, results[0].Capability)
	require.Equal(t, tributary.ProbePassed, results[0].Status)
	require.Equal(t, tributary.CapAccessSync, results[1].Capability)
	require.Equal(t, tributary.ProbeFailed, results[1].Status)
	require.Contains(t, results[1].Missing, ScopeGmailSettings)
}

func TestNormalizeURL(t *testing.T) {
	f := newFixture(t, generate(1, 4, true), googleemu.Options{})
	email := f.admin()
	mb := f.data.Mailbox(email)
	thread := visibleThreads(mb)[0]
	var reply string
	f.emu.Update(func(d *googleemu.Data) {
		reply = mb.Add(thread, time.Now(), googleemu.Mail{From: email, To: []string{"x@vendor.test"}, Subject: "Re", Date: time.Now(), Text: "r"}.Build()).ID
	})
	s := f.settings()
	s.UserEmails = []string{email}
	c := f.connector(t, s)
	want := threadID(email, thread)
	for _, link := range []string{
		"https://mail.google.com/mail/u/" + email + "/#inbox/" + thread,
		"https://mail.google.com/mail/u/" + strings.ToUpper(email) + "/#label/Projects/" + thread,
		"https://mail.google.com/mail/u/" + email + "/#search/budget/" + reply,
		"https://mail.google.com/mail/u/" + email + "/#all/" + reply,
	} {
		got, err := c.NormalizeURL(t.Context(), link)
		require.NoError(t, err, link)
		require.Equal(t, want, got, link)
	}
	for link, kind := range map[string]error{
		"https://drive.google.com/file/d/x/view":                                   tributary.ErrForeignURL,
		"https://mail.google.com/mail/u/bo@acme.test/#inbox/" + thread:             tributary.ErrForeignURL,
		"https://mail.google.com/mail/u/0/#inbox/" + thread:                        tributary.ErrNotSupported,
		"https://mail.google.com/mail/u/" + email + "/#inbox":                      tributary.ErrNotSupported,
		"https://mail.google.com/mail/u/" + email + "/#inbox/FMfcgzQXJWDsKmlbMbyK": tributary.ErrNotSupported,
	} {
		_, err := c.NormalizeURL(t.Context(), link)
		require.ErrorIs(t, err, kind, link)
	}
}

// A thread answered without its id, or with a message without its time,
// is a failure under the thread's id, classified ErrMalformedResponse;
// the other threads arrive.
func TestMalformedThreadIsAFailure(t *testing.T) {
	h := http.NewServeMux()
	h.HandleFunc("GET /gmail/v1/users/me/profile", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(`{"emailAddress":"ana@acme.test","historyId":"12"}`))
	})
	h.HandleFunc("GET /gmail/v1/users/me/labels", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(`{"labels":[]}`)) })
	h.HandleFunc("GET /gmail/v1/users/me/threads", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(`{"threads":[{"id":"a1"},{"id":"b2"},{"id":"c3"}]}`))
	})
	h.HandleFunc("GET /gmail/v1/users/me/threads/{id}", func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("id") {
		case "a1":
			w.Write([]byte(`{"messages":[]}`))
		case "b2":
			w.Write([]byte(`{"id":"b2","messages":[{"id":"b2","labelIds":["INBOX"]}]}`))
		default:
			w.Write([]byte(`{"id":"c3","messages":[{"id":"c3","labelIds":["INBOX"],"internalDate":"1700000000000",
				"payload":{"mimeType":"text/plain","headers":[{"name":"Subject","value":"ok"}],"body":{"size":2,"data":"aGk"}}}]}`))
		}
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	var s Settings
	s.SetDefaults()
	s.APIURL = srv.URL
	c, err := newConnector(s, Credentials{AccessToken: tributary.NewSecret("ya29.x")}, tributary.Env{AllowPrivateNetwork: true}, fastRetry)
	require.NoError(t, err)
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Failures, 2)
	for _, f := range got.Failures {
		require.ErrorIs(t, f, tributary.ErrMalformedResponse)
	}
	require.Len(t, got.Documents, 1)
	require.Equal(t, "ok", got.Documents[0].Title)
	require.Contains(t, got.Documents[0].Sections[0].Text, "hi")
}

// A page token Gmail no longer takes (400) lists the mailbox again from
// its start: threads repeat, none is lost.
func TestRefusedPageTokenListsAgain(t *testing.T) {
	f := newFixture(t, generate(1, 12, true), googleemu.Options{})
	s := f.settings()
	s.PageSize = 5
	c := f.connector(t, s)
	seen := map[string]int{}
	armed := false
	for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		require.Nil(t, it.Failure)
		if it.Document != nil {
			seen[it.Document.ID]++
		}
		if it.Checkpoint != nil && !armed {
			armed = true
			f.emu.FailNextReason("GET /gmail/v1/users/{userId}/threads", 1, googleemu.Reason{Status: http.StatusBadRequest,
				Domain: "global", Reason: "invalidArgument", Message: "Invalid pageToken"})
		}
	}
	require.True(t, armed)
	want := expectedIDs(f.data, nil, time.Time{}, time.Time{})
	require.Len(t, seen, len(want))
	repeated := 0
	for _, n := range seen {
		repeated += n - 1
	}
	require.Equal(t, 5, repeated, "the first page again")
}
