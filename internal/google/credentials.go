package google

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"

	"github.com/tributary-dev/tributary"
)

// DefaultTokenURI is Google's token endpoint.
const DefaultTokenURI = "https://oauth2.googleapis.com/token"

// The ways Credentials authenticate, as Mode names them.
const (
	ModeServiceAccount = "service_account" // a service account's key with domain-wide delegation
	ModeOAuth          = "oauth"           // one user's consent: client and refresh token
	ModeToken          = "token"           // a bare access token
)

// Credentials authenticate to Google: a service account's JSON key (with
// domain-wide delegation, to read every user), or OAuth credentials of one
// user who consented (client id and secret, refresh token), or a bare
// access token.
type Credentials struct {
	// ServiceAccountKey is the JSON key file of a service account, as the
	// Cloud console downloads it.
	ServiceAccountKey tributary.Secret `json:"service_account_key,omitempty" jsonschema:"title=Service account key,description=JSON key file of a service account with domain-wide delegation"`
	// ClientID and ClientSecret name the OAuth client the user consented
	// to; RefreshToken is the consent's refresh token.
	ClientID     string           `json:"client_id,omitempty" jsonschema:"title=OAuth client id"`
	ClientSecret tributary.Secret `json:"client_secret,omitempty" jsonschema:"title=OAuth client secret"`
	RefreshToken tributary.Secret `json:"refresh_token,omitempty" jsonschema:"title=Refresh token"`
	// AccessToken is a current access token: used until it expires with a
	// refresh token, or alone.
	AccessToken tributary.Secret `json:"access_token,omitempty" jsonschema:"title=Access token"`
	// TokenURI is the token endpoint; Google's by default.
	TokenURI string `json:"token_uri,omitempty" jsonschema:"title=Token endpoint,format=uri,default=https://oauth2.googleapis.com/token"`
}

// serviceKey is the part of a service account key the connectors read.
type serviceKey struct {
	Type        string `json:"type"`
	ClientEmail string `json:"client_email"`
	PrivateKey  string `json:"private_key"`
}

// Mode is how the credentials authenticate: ModeServiceAccount with a
// key, else ModeOAuth with a refresh token, else ModeToken.
func (c *Credentials) Mode() string {
	switch {
	case c.ServiceAccountKey.Reveal() != "":
		return ModeServiceAccount
	case c.RefreshToken.Reveal() != "":
		return ModeOAuth
	}
	return ModeToken
}

// Validate reports credentials that fit no mode.
func (c *Credentials) Validate() error {
	var errs []error
	switch c.Mode() {
	case ModeServiceAccount:
		var k serviceKey
		if err := json.Unmarshal([]byte(c.ServiceAccountKey.Reveal()), &k); err != nil {
			errs = append(errs, tributary.InvalidField("service_account_key", "is not a JSON key file"))
		} else {
			if k.Type != "service_account" {
				errs = append(errs, tributary.InvalidField("service_account_key", "type must be service_account"))
			}
			if k.ClientEmail == "" || k.PrivateKey == "" {
				errs = append(errs, tributary.InvalidField("service_account_key", "lacks client_email or private_key"))
			}
		}
		if c.RefreshToken.Reveal() != "" || c.AccessToken.Reveal() != "" {
			errs = append(errs, tributary.InvalidField("refresh_token", "give a service account key or OAuth tokens, not both"))
		}
	case ModeOAuth:
		if c.ClientID == "" {
			errs = append(errs, tributary.InvalidField("client_id", "required with a refresh token"))
		}
		if c.ClientSecret.Reveal() == "" {
			errs = append(errs, tributary.InvalidField("client_secret", "required with a refresh token"))
		}
	default:
		if strings.TrimSpace(c.AccessToken.Reveal()) == "" {
			errs = append(errs, tributary.InvalidField("service_account_key", "required: a service account key, a refresh token or an access token"))
		}
	}
	if c.TokenURI != "" {
		if u, err := url.Parse(c.TokenURI); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, tributary.InvalidField("token_uri", "must be an http or https URL"))
		}
	}
	return errors.Join(errs...)
}

// Check reports what is wrong with a connector's settings and
// credentials, as ErrInvalidConfig naming the fields: first the settings
// alone (Validate, which may fill defaults), then the credentials, then
// what the settings ask that the credentials' mode cannot serve (forMode).
func Check(name string, settings interface{ Validate() error }, c *Credentials, forMode func(mode string) error) error {
	err := tributary.PrefixFields("settings", settings.Validate())
	if err == nil {
		err = tributary.PrefixFields("credentials", c.Validate())
	}
	if err == nil {
		err = tributary.PrefixFields("settings", forMode(c.Mode()))
	}
	if err != nil {
		return &tributary.Error{Op: name + ": new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	return nil
}
