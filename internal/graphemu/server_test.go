package graphemu

import (
	"time"

	"encoding/json"
	"github.com/tributary-dev/tributary/internal/emulator"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

type client struct {
	t     *testing.T
	hc    *http.Client
	token string
}

func newClient(t *testing.T, s *Server) *client {
	hc := &http.Client{Transport: s.Transport(), CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &client{t: t, hc: hc}
}

func (c *client) do(method, rawURL string, body url.Values) (int, map[string]any, http.Header) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		r = strings.NewReader(body.Encode())
	}
	req, _ := http.NewRequest(method, rawURL, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(resp.Body)
	json.Unmarshal(b, &m)
	return resp.StatusCode, m, resp.Header
}

func TestTokenAndDelta(t *testing.T) {
	d := Generate(GenerateOptions{FilesPerDrive: 25, Folders: 3, PagesPerSite: 2})
	s := New(d, Options{PageSize: 10})
	defer s.Close()
	s.AddApp("app", "secret", SitesReadAll)
	c := newClient(t, s)
	tokURL := "https://login.microsoftonline.com/" + d.TenantID + "/oauth2/v2.0/token"
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"app"}, "client_secret": {"wrong"}, "scope": {GraphScope}}
	if st, m, _ := c.do("POST", tokURL, form); st != 401 || m["error"] != "invalid_client" {
		t.Fatalf("bad secret: %d %v", st, m)
	}
	form.Set("client_secret", "secret")
	st, m, _ := c.do("POST", tokURL, form)
	if st != 200 {
		t.Fatalf("token: %d %v", st, m)
	}
	c.token = m["access_token"].(string)
	if st, m, _ := c.do("GET", "https://graph.microsoft.com/v1.0/groups", nil); st != 403 || m["error"].(map[string]any)["code"] != "Authorization_RequestDenied" {
		t.Fatalf("groups without permission: %d %v", st, m)
	}
	st, m, _ = c.do("GET", "https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/site1", nil)
	if st != 200 || m["id"] != d.Sites[0].ID {
		t.Fatalf("site by path: %d %v", st, m)
	}
	dr := d.Drives[0]
	next := "https://graph.microsoft.com/v1.0/drives/" + dr.ID + "/root/delta"
	seen := map[string]bool{}
	var deltaLink string
	for pages := 0; next != ""; pages++ {
		st, m, _ := c.do("GET", next, nil)
		if st != 200 || pages > 10 {
			t.Fatalf("delta: %d %v", st, m)
		}
		for _, v := range m["value"].([]any) {
			id := v.(map[string]any)["id"].(string)
			if seen[id] {
				t.Errorf("%s twice", id)
			}
			seen[id] = true
		}
		next, _ = m["@odata.nextLink"].(string)
		deltaLink, _ = m["@odata.deltaLink"].(string)
	}
	if len(seen) != 1+3+25 {
		t.Fatalf("delta listed %d items", len(seen))
	}
	f := dr.Files()
	s.Update(func(d *Data) {
		d.Delete(dr.ID, f[0].ID)
		d.Move(dr.ID, f[1].ID, "")
	})
	st, m, _ = c.do("GET", deltaLink, nil)
	if vals := m["value"].([]any); st != 200 || len(vals) != 2 || vals[0].(map[string]any)["deleted"] == nil {
		t.Fatalf("incremental delta: %d %v", st, m)
	}
	s.Update(func(d *Data) { d.ExpireDeltaTokens(dr.ID) })
	if st, _, h := c.do("GET", deltaLink, nil); st != http.StatusGone || h.Get("Location") == "" {
		t.Fatalf("expired token: %d", st)
	}
	st, _, h := c.do("GET", "https://graph.microsoft.com/v1.0/drives/"+dr.ID+"/items/"+f[2].ID+"/content", nil)
	if st != http.StatusFound {
		t.Fatalf("content: %d", st)
	}
	c.token = ""
	if st, _, _ := c.do("GET", h.Get("Location"), nil); st != 200 {
		t.Fatalf("download: %d", st)
	}
	if st, m, _ := c.do("GET", "https://graph.microsoft.com/v1.0/sites/getAllSites", nil); st != 401 || m["error"].(map[string]any)["code"] != "InvalidAuthenticationToken" {
		t.Fatalf("no token: %d %v", st, m)
	}
}

func TestThrottleAndGroups(t *testing.T) {
	d := Generate(GenerateOptions{Users: 3, Groups: 2})
	clock := emulator.NewManualClock(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	s := New(d, Options{RatePerSecond: 2, PageSize: 1, Clock: clock})
	defer s.Close()
	s.AddApp("app", "secret", GroupMemberReadAll)
	c := newClient(t, s)
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"app"}, "client_secret": {"secret"}, "scope": {GraphScope}}
	_, m, _ := c.do("POST", "https://login.microsoftonline.com/"+d.Domain+"/oauth2/v2.0/token", form)
	c.token = m["access_token"].(string)
	g := d.Groups[1] // nests the first
	next := "https://graph.microsoft.com/v1.0/groups/" + g.ID + "/transitiveMembers/microsoft.graph.user"
	var members, throttled int
	for next != "" && members+throttled < 20 {
		st, m, h := c.do("GET", next, nil)
		if st == http.StatusTooManyRequests {
			if h.Get("Retry-After") == "" || m["error"].(map[string]any)["code"] != "TooManyRequests" {
				t.Fatalf("throttled without Retry-After or code: %v %v", h, m)
			}
			throttled++
			clock.Advance(time.Second)
			continue
		}
		members += len(m["value"].([]any))
		next, _ = m["@odata.nextLink"].(string)
	}
	if members != 3 || throttled == 0 {
		t.Errorf("%d transitive members, %d throttled answers", members, throttled)
	}
}
