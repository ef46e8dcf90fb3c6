package gmail

import "github.com/tributary-dev/tributary/internal/google"

// DefaultAuthURL is Google's OAuth 2.0 authorization endpoint.
const DefaultAuthURL = google.DefaultAuthURL

// OAuth is the consent of one Google user, declared in the source's
// Registration: the user grants gmail.readonly to an OAuth client of the
// organisation's Cloud project (APIs & Services → Credentials → OAuth
// client ID, type "Desktop app" for "tributary auth", whose loopback
// redirect accepts any port). Offline access with a forced consent
// screen makes Google grant a refresh token every time, and the
// credentials keep the client with it, so the connector refreshes the
// access token itself and saves rotated tokens through the host.
var OAuth = google.Consent(ScopeGmailReadonly)
