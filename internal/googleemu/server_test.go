package googleemu

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2/jwt"
)

func newTestServer(t *testing.T) (*Server, *Data, *http.Client) {
	t.Helper()
	d := Generate(GenerateOptions{SharedDrives: 1, FilesPerDrive: 6, Folders: 2, FilesPerUser: 5, Seed: 1})
	s := New(d, Options{})
	t.Cleanup(s.Close)
	s.AddAccessToken("tok-ana", d.Users[0].Email, ScopeDriveReadonly, ScopeUserReadonly, ScopeGroupReadonly)
	s.AddAccessToken("tok-meta", d.Users[1].Email, ScopeDriveMetadata)
	return s, d, s.Client()
}

func get(t *testing.T, c *http.Client, token, path string, q url.Values) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", "https://www.googleapis.com"+path+"?"+q.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var v map[string]any
	json.Unmarshal(b, &v)
	return resp.StatusCode, v
}

func reason(v map[string]any) string {
	e, _ := v["error"].(map[string]any)
	errs, _ := e["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	return errs[0].(map[string]any)["reason"].(string)
}

func TestQueryAndFieldMask(t *testing.T) {
	_, d, c := newTestServer(t)
	code, v := get(t, c, "tok-ana", "/drive/v3/files", url.Values{"q": {"'me' in owners and trashed = false"},
		"fields": {"nextPageToken,files(id,owners(emailAddress))"}, "pageSize": {"2"}})
	require.Equal(t, 200, code)
	files := v["files"].([]any)
	require.Len(t, files, 2)
	f0 := files[0].(map[string]any)
	require.Len(t, f0, 2, "only id and owners: %v", f0)
	require.Equal(t, d.Users[0].Email, f0["owners"].([]any)[0].(map[string]any)["emailAddress"])
	require.NotEmpty(t, v["nextPageToken"])

	code, v = get(t, c, "tok-ana", "/drive/v3/files", url.Values{"q": {"modifiedTime >> 'x'"}})
	require.Equal(t, 400, code, "%v", v)
	code, v = get(t, c, "tok-ana", "/drive/v3/files", url.Values{"corpora": {"drive"}, "driveId": {d.Drives[0].ID}})
	require.Equal(t, 403, code, "supportsAllDrives is required: %v", v)
	code, v = get(t, c, "tok-ana", "/drive/v3/files", url.Values{"corpora": {"drive"}, "driveId": {d.Drives[0].ID},
		"supportsAllDrives": {"true"}, "includeItemsFromAllDrives": {"true"}, "q": {"mimeType != '" + MimeFolder + "'"}})
	require.Equal(t, 200, code, "%v", v)
	require.Len(t, v["files"], 6)
}

func TestDownloadRefusalsAndScopes(t *testing.T) {
	s, d, c := newTestServer(t)
	var doc, txt *File
	for _, f := range d.Files {
		if f.Owner == d.Users[0].Email && f.MimeType == MimeDoc && doc == nil {
			doc = f
		}
		if f.Owner == d.Users[0].Email && f.MimeType == "text/plain" && txt == nil {
			txt = f
		}
	}
	code, v := get(t, c, "tok-ana", "/drive/v3/files/"+doc.ID, url.Values{"alt": {"media"}})
	require.Equal(t, 403, code)
	require.Equal(t, "fileNotDownloadable", reason(v))
	s.Update(func(*Data) { txt.Abusive = true; doc.ExportTooLarge = true })
	code, v = get(t, c, "tok-ana", "/drive/v3/files/"+txt.ID, url.Values{"alt": {"media"}})
	require.Equal(t, "cannotDownloadAbusiveFile", reason(v), "%d", code)
	code, _ = get(t, c, "tok-ana", "/drive/v3/files/"+txt.ID, url.Values{"alt": {"media"}, "acknowledgeAbuse": {"true"}})
	require.Equal(t, 200, code)
	_, v = get(t, c, "tok-ana", "/drive/v3/files/"+doc.ID+"/export", url.Values{"mimeType": {MimeMarkdown}})
	require.Equal(t, "exportSizeLimitExceeded", reason(v))
	code, v = get(t, c, "tok-meta", "/drive/v3/files/"+txt.ID, url.Values{"alt": {"media"}})
	require.Equal(t, 403, code)
	require.Equal(t, "insufficientPermissions", reason(v))
	code, v = get(t, c, "tok-meta", "/admin/directory/v1/users", url.Values{"customer": {"my_customer"}})
	require.Equal(t, 403, code, "%v", v)

	s.FailNextReason("*", 1, UserRateLimitExceeded)
	code, v = get(t, c, "tok-ana", "/drive/v3/about", nil)
	require.Equal(t, 403, code)
	require.Equal(t, "userRateLimitExceeded", reason(v))
}

func TestChanges(t *testing.T) {
	s, d, c := newTestServer(t)
	_, v := get(t, c, "tok-ana", "/drive/v3/changes/startPageToken", nil)
	tok := v["startPageToken"].(string)
	var mine *File
	for _, f := range d.Files {
		if f.Owner == d.Users[0].Email {
			mine = f
			break
		}
	}
	s.Update(func(d *Data) { d.Delete(mine.ID) })
	_, v = get(t, c, "tok-ana", "/drive/v3/changes", url.Values{"pageToken": {tok}})
	ch := v["changes"].([]any)
	require.Len(t, ch, 1)
	require.Equal(t, true, ch[0].(map[string]any)["removed"])
	require.NotEmpty(t, v["newStartPageToken"])
}

func TestServiceAccountDelegation(t *testing.T) {
	s, d, c := newTestServer(t)
	key := s.AddServiceAccount("indexer@emulated-project.iam.gserviceaccount.com", "https://oauth2.googleapis.com/token", ScopeDriveReadonly)
	var k struct {
		Email      string `json:"client_email"`
		PrivateKey string `json:"private_key"`
		TokenURI   string `json:"token_uri"`
	}
	require.NoError(t, json.Unmarshal(key, &k))
	cfg := &jwt.Config{Email: k.Email, PrivateKey: []byte(k.PrivateKey), TokenURL: k.TokenURI, Scopes: []string{ScopeDriveReadonly}, Subject: d.Users[1].Email}
	ctx := t.Context()
	ctx = contextWithClient(ctx, c)
	tok, err := cfg.TokenSource(ctx).Token()
	require.NoError(t, err)
	code, v := get(t, c, tok.AccessToken, "/drive/v3/about", nil)
	require.Equal(t, 200, code)
	require.Equal(t, d.Users[1].Email, v["user"].(map[string]any)["emailAddress"])

	cfg.Scopes = []string{ScopeUserReadonly}
	_, err = cfg.TokenSource(ctx).Token()
	require.ErrorContains(t, err, "unauthorized_client")
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"nope"}}
	resp, err := c.Post("https://oauth2.googleapis.com/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 400, resp.StatusCode)
}
