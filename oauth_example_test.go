package tributary_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/oauthemu"
)

// A source declares its OAuth flow in its Registration; a host starts a
// consent, sends the user to the authorization URL, and exchanges the code
// the provider sends back to the redirect URL for the source's credentials.
func ExampleStartOAuth() {
	provider := oauthemu.New("my-app", "my-app-secret", 0) // stands for github.com
	defer provider.Close()
	reg := tributary.Registration{Source: "notes", OAuth: &tributary.OAuth{
		Provider: "Notes", Scopes: []string{"repo"},
		AuthURL: provider.URL() + oauthemu.AuthorizePath, TokenURL: provider.URL() + oauthemu.TokenPath,
		Credentials: func(t tributary.OAuthToken) (json.RawMessage, error) {
			return json.Marshal(map[string]string{"token": t.AccessToken.Reveal()})
		},
	}}

	flow, err := tributary.StartOAuth(reg, nil, tributary.OAuthClient{
		ID: "my-app", Secret: tributary.NewSecret("my-app-secret"), RedirectURL: "http://127.0.0.1:8765/callback"})
	if err != nil {
		fmt.Println(err)
		return
	}
	// The user opens flow.AuthorizationURL() and consents; the provider
	// redirects the browser to the redirect URL with a state and a code.
	browser := *provider.Client()
	browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := browser.Get(flow.AuthorizationURL())
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	back, _ := url.Parse(resp.Header.Get("Location"))

	creds, err := flow.Exchange(resp.Request.Context(), provider.Client(), back.Query().Get("state"), back.Query().Get("code"))
	if err != nil {
		fmt.Println(err)
		return
	}
	var c struct{ Token string }
	_ = json.Unmarshal(creds, &c)
	fmt.Println("connected:", provider.ValidAccess(c.Token))

	// Any further answer is refused before any request.
	_, err = flow.Exchange(resp.Request.Context(), provider.Client(), "forged", "code")
	fmt.Println(err)
	// Output:
	// connected: true
	// oauth: exchange code: credentials rejected or expired: oauth state does not match the request: the flow was already used
}

// Workers that share a CredentialsProvider refresh through it: the first
// to find the credentials stale refreshes them, the others get its result.
func ExampleCredentialsProvider() {
	p := tributary.NewMemoryCredentials(json.RawMessage(`{"token":"old"}`))
	ctx := context.Background()
	stale, _ := p.Credentials(ctx)
	refresh := func(_ context.Context, cur json.RawMessage) (json.RawMessage, error) {
		fmt.Println("refreshing", string(cur))
		return json.RawMessage(`{"token":"new"}`), nil
	}
	a, _ := p.Refresh(ctx, stale, refresh) // refreshes
	b, _ := p.Refresh(ctx, stale, refresh) // already done: no request
	fmt.Println(string(a), string(b))
	// Output:
	// refreshing {"token":"old"}
	// {"token":"new"} {"token":"new"}
}
