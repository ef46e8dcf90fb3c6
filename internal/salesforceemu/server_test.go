package salesforceemu

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/internal/jwtsign"
)

const login = "https://login.salesforce.com"

type fixture struct {
	t    *testing.T
	emu  *Server
	key  *rsa.PrivateKey
	hc   *http.Client
	tok  string
	data *Data
}

func newFixture(t *testing.T, gen GenerateOptions, o Options) *fixture {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	data := Generate(gen)
	emu := New(data, o)
	t.Cleanup(emu.Close)
	emu.AddApp("consumer-key", &key.PublicKey, "shh")
	f := &fixture{t: t, emu: emu, key: key, hc: emu.Client(), data: data}
	f.tok = f.jwt(Integration, login, time.Now().Add(3*time.Minute))
	return f
}

// jwt asks for a token with an assertion; "" when refused.
func (f *fixture) jwt(sub, aud string, exp time.Time) string {
	a, err := jwtsign.Sign(f.key, nil, map[string]any{"iss": "consumer-key", "sub": sub, "aud": aud, "exp": exp.Unix()})
	require.NoError(f.t, err)
	return f.grant(url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {a}})
}

func (f *fixture) grant(form url.Values) string {
	resp, err := f.hc.PostForm(login+"/services/oauth2/token", form)
	require.NoError(f.t, err)
	defer resp.Body.Close()
	var out map[string]string
	require.NoError(f.t, json.NewDecoder(resp.Body).Decode(&out))
	if resp.StatusCode != 200 {
		require.NotEmpty(f.t, out["error"])
		return ""
	}
	assert.Equal(f.t, "https://acme.my.salesforce.com", out["instance_url"])
	return out["access_token"]
}

func (f *fixture) get(path string, header ...string) (int, http.Header, []byte) {
	req, _ := http.NewRequest(http.MethodGet, "https://acme.my.salesforce.com"+path, nil)
	req.Header.Set("Authorization", "Bearer "+f.tok)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := f.hc.Do(req)
	require.NoError(f.t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

func (f *fixture) soql(q string, all bool) (int, map[string]any, []apiError) {
	kind := "query"
	if all {
		kind = "queryAll"
	}
	st, _, b := f.get("/services/data/v61.0/"+kind+"?"+url.Values{"q": {q}}.Encode(), "Sforce-Query-Options", "batchSize=200")
	return decode(f.t, st, b)
}

func decode(t *testing.T, st int, b []byte) (int, map[string]any, []apiError) {
	if st != 200 {
		var errs []apiError
		require.NoError(t, json.Unmarshal(b, &errs), string(b))
		return st, nil, errs
	}
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return st, m, nil
}

func TestTokenGrants(t *testing.T) {
	f := newFixture(t, GenerateOptions{Accounts: 1}, Options{})
	require.NotEmpty(t, f.tok)
	assert.Empty(t, f.jwt(Integration, "https://evil.example", time.Now().Add(time.Minute)), "audience")
	assert.Empty(t, f.jwt(Integration, login, time.Now().Add(-time.Minute)), "expired")
	assert.Empty(t, f.jwt("nobody@acme.example", login, time.Now().Add(time.Minute)), "unknown user")
	assert.NotEmpty(t, f.jwt(Integration, "https://test.salesforce.com", time.Now().Add(time.Minute)))
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	f.key = other
	assert.Empty(t, f.jwt(Integration, login, time.Now().Add(time.Minute)), "foreign key")

	f.emu.AddRefreshToken("5Aep-refresh", Integration)
	assert.NotEmpty(t, f.grant(url.Values{"grant_type": {"refresh_token"}, "client_id": {"consumer-key"}, "client_secret": {"shh"}, "refresh_token": {"5Aep-refresh"}}))
	assert.Empty(t, f.grant(url.Values{"grant_type": {"refresh_token"}, "client_id": {"consumer-key"}, "client_secret": {"no"}, "refresh_token": {"5Aep-refresh"}}))
	assert.Empty(t, f.grant(url.Values{"grant_type": {"refresh_token"}, "client_id": {"consumer-key"}, "client_secret": {"shh"}, "refresh_token": {"other"}}))
	assert.Empty(t, f.grant(url.Values{"grant_type": {"password"}}))
}

func TestSessionsExpire(t *testing.T) {
	f := newFixture(t, GenerateOptions{Accounts: 1}, Options{})
	st, _, _ := f.soql("SELECT Id FROM Account", false)
	require.Equal(t, 200, st)
	f.emu.ExpireSessions()
	st, _, errs := f.soql("SELECT Id FROM Account", false)
	require.Equal(t, 401, st)
	assert.Equal(t, "INVALID_SESSION_ID", errs[0].ErrorCode)
}

func TestQueryPagesByLocator(t *testing.T) {
	f := newFixture(t, GenerateOptions{Accounts: 450, Tied: 3}, Options{})
	st, page, _ := f.soql("SELECT Id, Name, Owner.Email, SystemModstamp FROM Account ORDER BY SystemModstamp ASC, Id ASC", false)
	require.Equal(t, 200, st)
	assert.EqualValues(t, 450, page["totalSize"])
	var ids []string
	var last string
	for {
		for _, r := range page["records"].([]any) {
			rec := r.(map[string]any)
			ids = append(ids, rec["Id"].(string))
			stamp := rec["SystemModstamp"].(string) + rec["Id"].(string)
			assert.Greater(t, stamp, last, "ordered by SystemModstamp then Id")
			last = stamp
			assert.Contains(t, rec["Owner"].(map[string]any)["Email"], "@acme.example")
		}
		if page["done"] == true {
			break
		}
		next := page["nextRecordsUrl"].(string)
		require.True(t, strings.HasPrefix(next, "/services/data/v61.0/query/01g"), next)
		var code int
		var b []byte
		code, _, b = f.get(next)
		_, page, _ = decode(t, code, b)
	}
	assert.Len(t, ids, 450)
}

func TestLocatorsExpire(t *testing.T) {
	f := newFixture(t, GenerateOptions{Contacts: 300}, Options{})
	_, page, _ := f.soql("SELECT Id FROM Contact", false)
	next := page["nextRecordsUrl"].(string)
	f.emu.ExpireLocators()
	st, _, b := f.get(next)
	st, _, errs := decode(t, st, b)
	require.Equal(t, 400, st)
	assert.Equal(t, "INVALID_QUERY_LOCATOR", errs[0].ErrorCode)
	// An eleventh open cursor releases the first.
	var first string
	for i := range 11 {
		_, page, _ = f.soql("SELECT Id FROM Contact", false)
		if i == 0 {
			first = page["nextRecordsUrl"].(string)
		}
	}
	st, _, _ = f.get(first)
	assert.Equal(t, 400, st)
}

func TestTiePositionFilter(t *testing.T) {
	f := newFixture(t, GenerateOptions{Cases: 10, Tied: 2}, Options{})
	recs := f.data.Objects[Case].Records
	x := recs[2] // shares its stamp with recs[1]
	require.Equal(t, recs[1].Modstamp(), x.Modstamp())
	stamp := x.Modstamp().Format("2006-01-02T15:04:05.000Z")
	q := "SELECT Id FROM Case WHERE (SystemModstamp > " + stamp + " OR (SystemModstamp = " + stamp + " AND Id > '" + recs[1].ID() + "')) ORDER BY SystemModstamp, Id"
	st, page, errs := f.soql(q, false)
	require.Equal(t, 200, st, errs)
	assert.EqualValues(t, 8, page["totalSize"])
	assert.Equal(t, x.ID(), page["records"].([]any)[0].(map[string]any)["Id"])
}

func TestQueryErrors(t *testing.T) {
	f := newFixture(t, GenerateOptions{Accounts: 2}, Options{})
	for q, code := range map[string]string{
		"SELECT Id, Nope__c FROM Account":                   "INVALID_FIELD",
		"SELECT Id FROM Widget__c":                          "INVALID_TYPE",
		"SELEC Id FROM Account":                             "MALFORMED_QUERY",
		"SELECT Id FROM Account WHERE SystemModstamp > 'x'": "INVALID_QUERY_FILTER_OPERATOR",
		"SELECT Id FROM Account WHERE Owner.Nope = 'x'":     "INVALID_FIELD",
		"SELECT Id FROM Account WHERE Name = 'unterminated": "MALFORMED_QUERY",
	} {
		st, _, errs := f.soql(q, false)
		assert.Equal(t, 400, st, q)
		if assert.Len(t, errs, 1, q) {
			assert.Equal(t, code, errs[0].ErrorCode, q)
		}
	}
	f.data.Hidden[f.data.Objects[User].Records[0].ID()] = []string{Case}
	st, _, errs := f.soql("SELECT Id FROM Case", false)
	assert.Equal(t, 400, st)
	assert.Equal(t, "INVALID_TYPE", errs[0].ErrorCode)
	st, _, _ = f.get("/services/data/v61.0/sobjects/Case/describe")
	assert.Equal(t, 404, st)
}

func TestQueryAllShowsDeleted(t *testing.T) {
	f := newFixture(t, GenerateOptions{Opportunities: 4, Deleted: 2}, Options{})
	_, live, _ := f.soql("SELECT Id FROM Opportunity", false)
	assert.EqualValues(t, 4, live["totalSize"])
	_, gone, _ := f.soql("SELECT Id, SystemModstamp FROM Opportunity WHERE IsDeleted = true", true)
	assert.EqualValues(t, 2, gone["totalSize"])
}

func TestDailyLimit(t *testing.T) {
	f := newFixture(t, GenerateOptions{Accounts: 1}, Options{DailyLimit: 3})
	st, h, _ := f.get("/services/data/v61.0/sobjects/Account/describe")
	require.Equal(t, 200, st)
	assert.Equal(t, "api-usage=1/3", h.Get("Sforce-Limit-Info"))
	f.get("/services/data/v61.0/sobjects/Account/describe")
	f.get("/services/data/v61.0/sobjects/Account/describe")
	st, _, b := f.get("/services/data/v61.0/sobjects/Account/describe")
	_, _, errs := decode(t, st, b)
	assert.Equal(t, 403, st)
	assert.Equal(t, "REQUEST_LIMIT_EXCEEDED", errs[0].ErrorCode)
}

func TestDescribeAndRecord(t *testing.T) {
	f := newFixture(t, GenerateOptions{Articles: 2}, Options{})
	st, _, b := f.get("/services/data/v61.0/sobjects/KnowledgeArticleVersion/describe")
	require.Equal(t, 200, st)
	var d struct {
		Name   string `json:"name"`
		Fields []struct {
			Name string `json:"name"`
			HTML bool   `json:"htmlFormatted"`
		} `json:"fields"`
	}
	require.NoError(t, json.Unmarshal(b, &d))
	assert.Equal(t, Knowledge, d.Name)
	assert.Contains(t, d.Fields, struct {
		Name string `json:"name"`
		HTML bool   `json:"htmlFormatted"`
	}{"Body__c", true})
	id := f.data.Objects[Knowledge].Records[0].ID()
	st, _, b = f.get("/services/data/v61.0/sobjects/KnowledgeArticleVersion/" + id[:15] + "?fields=Id,Title")
	require.Equal(t, 200, st, string(b))
	assert.Contains(t, string(b), `"Id":"`+id+`"`)
	st, _, _ = f.get("/services/data/v61.0/sobjects/KnowledgeArticleVersion/ka05g0000099999AAA")
	assert.Equal(t, 404, st)
	st, _, _ = f.get("/services/data/v99/sobjects/Account/describe")
	assert.Equal(t, 404, st)
}

func TestID18(t *testing.T) {
	assert.Equal(t, "001A0000006Vm9rIAC", ID18("001A0000006Vm9r"))
	assert.Len(t, MakeID("001", 7), 18)
}

func TestAnswerNext(t *testing.T) {
	f := newFixture(t, GenerateOptions{Accounts: 1}, Options{DailyLimit: 10})
	f.emu.AnswerNext("/services/data/v61.0/query", 1, 403, `[{"message":"no","errorCode":"INSUFFICIENT_ACCESS"}]`)
	st, _, errs := f.soql("SELECT Id FROM Account", false)
	assert.Equal(t, 403, st)
	assert.Equal(t, "INSUFFICIENT_ACCESS", errs[0].ErrorCode)
	st, _, _ = f.soql("SELECT Id FROM Account", false)
	assert.Equal(t, 200, st, "only the next one")
	st, h, _ := f.get("/services/data/v61.0/sobjects/Account/describe")
	assert.Equal(t, 200, st)
	assert.Equal(t, "api-usage=3/10", h.Get("Sforce-Limit-Info"), "a canned answer counts")
}
