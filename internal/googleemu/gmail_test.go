package googleemu

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func newMailServer(t *testing.T) (*Server, *Data) {
	t.Helper()
	d := Generate(GenerateOptions{Users: 3, Seed: 1})
	GenerateMail(d, MailOptions{ThreadsPerUser: 20, Seed: 1})
	s := New(d, Options{})
	t.Cleanup(s.Close)
	s.AddAccessToken("tok-ana", d.Users[0].Email, ScopeGmailReadonly)
	s.AddAccessToken("tok-meta", d.Users[1].Email, ScopeGmailMetadata)
	return s, d
}

func TestGmailThreadsListing(t *testing.T) {
	s, d := newMailServer(t)
	c := s.Client()
	var ids []string
	q := url.Values{"maxResults": {"7"}}
	for {
		code, v := get(t, c, "tok-ana", "/gmail/v1/users/me/threads", q)
		require.Equal(t, 200, code, "%v", v)
		th, _ := v["threads"].([]any)
		for _, x := range th {
			ids = append(ids, x.(map[string]any)["id"].(string))
		}
		next, _ := v["nextPageToken"].(string)
		if next == "" {
			break
		}
		q.Set("pageToken", next)
	}
	mb := d.Mailbox(d.Users[0].Email)
	visible := mb.threads(false)
	require.Len(t, ids, len(visible))
	require.Less(t, len(visible), len(mb.threads(true)), "spam and trash are left out")

	// after: and before: take epoch seconds.
	first := visible[0].latest
	code, v := get(t, c, "tok-ana", "/gmail/v1/users/me/threads", url.Values{"q": {
		"after:" + strconv.FormatInt(first.Unix(), 10) + " before:" + strconv.FormatInt(first.Unix()+1, 10)}})
	require.Equal(t, 200, code)
	require.NotEmpty(t, v["threads"])

	// Subjects are searched decoded; labels by id or, in q, by name.
	code, v = get(t, c, "tok-ana", "/gmail/v1/users/me/threads", url.Values{"q": {`subject:"thread 3 about"`}})
	require.Equal(t, 200, code)
	require.Len(t, v["threads"], 1)
	code, v = get(t, c, "tok-ana", "/gmail/v1/users/me/threads", url.Values{"labelIds": {"Label_1"}})
	require.Equal(t, 200, code)
	byID := len(v["threads"].([]any))
	code, v = get(t, c, "tok-ana", "/gmail/v1/users/me/threads", url.Values{"q": {"label:projects"}})
	require.Equal(t, 200, code)
	require.Len(t, v["threads"], byID)

	code, v = get(t, c, "tok-meta", "/gmail/v1/users/me/threads", url.Values{"q": {"after:1"}})
	require.Equal(t, 403, code, "the metadata scope takes no q: %v", v)
	code, _ = get(t, c, "tok-ana", "/gmail/v1/users/"+d.Users[1].Email+"/threads", nil)
	require.Equal(t, 403, code, "another user's mailbox")
	code, _ = get(t, c, "tok-ana", "/gmail/v1/users/me/threads", url.Values{"q": {"after:yesterday"}})
	require.Equal(t, 400, code)
}

func TestGmailThreadPayloadAndAttachments(t *testing.T) {
	s, d := newMailServer(t)
	mb := d.Mailbox(d.Users[0].Email)
	raw := Mail{From: "a@x.test", To: []string{"b@x.test"}, Subject: "Fête", Date: time.Unix(1700000000, 0),
		Text: "Déjà vu", Charset: "iso-8859-1", Encoding: "quoted-printable",
		Attachments: []Attachment{{Name: "n.txt", Type: "text/plain", Data: []byte("attached")}}}.Build()
	require.Contains(t, string(raw), "D=E9j=E0 vu")
	m := mb.Add("", time.Unix(1700000000, 0), raw, LabelInbox)
	c := s.Client()
	code, v := get(t, c, "tok-ana", "/gmail/v1/users/me/threads/"+m.ThreadID, url.Values{"format": {"full"}})
	require.Equal(t, 200, code, "%v", v)
	msg := v["messages"].([]any)[0].(map[string]any)
	require.Equal(t, "1700000000000", msg["internalDate"])
	payload := msg["payload"].(map[string]any)
	require.Equal(t, "multipart/mixed", payload["mimeType"])
	parts := payload["parts"].([]any)
	text := parts[0].(map[string]any)
	b, err := base64.URLEncoding.DecodeString(text["body"].(map[string]any)["data"].(string))
	require.NoError(t, err)
	require.Equal(t, "D\xe9j\xe0 vu\r\n", string(b), "transfer encoding decoded, charset kept")
	att := parts[1].(map[string]any)
	require.Equal(t, "n.txt", att["filename"])
	aid := att["body"].(map[string]any)["attachmentId"].(string)
	code, v = get(t, c, "tok-ana", "/gmail/v1/users/me/messages/"+m.ID+"/attachments/"+aid, nil)
	require.Equal(t, 200, code, "%v", v)
	b, _ = base64.URLEncoding.DecodeString(v["data"].(string))
	require.Equal(t, "attached", string(b))

	code, v = get(t, c, "tok-ana", "/gmail/v1/users/me/messages/"+m.ID, url.Values{"format": {"raw"}})
	require.Equal(t, 200, code)
	b, _ = base64.URLEncoding.DecodeString(v["raw"].(string))
	require.Equal(t, raw, b)

	code, _ = get(t, c, "tok-meta", "/gmail/v1/users/me/threads/"+m.ThreadID, url.Values{"format": {"full"}})
	require.Equal(t, 403, code)
	code, _ = get(t, c, "tok-ana", "/gmail/v1/users/me/threads/ffff", nil)
	require.Equal(t, 404, code)
}

func TestGmailHistory(t *testing.T) {
	s, d := newMailServer(t)
	c := s.Client()
	code, v := get(t, c, "tok-ana", "/gmail/v1/users/me/profile", nil)
	require.Equal(t, 200, code)
	start := v["historyId"].(string)
	var tid string
	s.Update(func(d *Data) {
		mb := d.Mailbox(d.Users[0].Email)
		tid = mb.Messages()[0].ThreadID
		mb.AddLabels(tid, LabelTrash)
		mb.DeleteThread(mb.Messages()[1].ThreadID)
	})
	code, v = get(t, c, "tok-ana", "/gmail/v1/users/me/history", url.Values{"startHistoryId": {start},
		"historyTypes": {"labelAdded", "messageDeleted"}})
	require.Equal(t, 200, code, "%v", v)
	hist := v["history"].([]any)
	require.NotEmpty(t, hist)
	require.Contains(t, hist[0].(map[string]any), "labelsAdded")
	require.NotEqual(t, start, v["historyId"])

	s.Update(func(d *Data) { d.Mailbox(d.Users[0].Email).ExpireHistory() })
	code, v = get(t, c, "tok-ana", "/gmail/v1/users/me/history", url.Values{"startHistoryId": {start}})
	require.Equal(t, 404, code, "history too old: %v", v)
	_ = d
	require.True(t, strings.HasPrefix(tid, "18"), tid)
}
