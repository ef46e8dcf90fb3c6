package mediawiki

import (
	"errors"
	"net/url"
	"regexp"
	"strings"

	"github.com/tributary-dev/tributary"
)

// Settings say which wiki to read and how politely.
type Settings struct {
	// BaseURL is the wiki's api.php address, such as
	// https://wiki.example.org/w/api.php. For Wikipedia it may be left
	// empty and Language set instead.
	BaseURL string `json:"base_url,omitempty" jsonschema:"title=API URL,description=Address of the wiki's api.php,format=uri"`
	// Language picks https://{language}.wikipedia.org/w/api.php for the
	// Wikipedia source.
	Language string `json:"language,omitempty" jsonschema:"title=Wikipedia language,description=Language code of a Wikipedia (en or de ...)"`
	// Namespaces are the namespace numbers read; empty means the main
	// namespace (0).
	Namespaces []int `json:"namespaces,omitempty" jsonschema:"title=Namespaces,description=Namespace numbers to read (0 = articles)"`
	// UserAgent is sent with every request. Wikimedia's User-Agent policy
	// requires one that names the tool and a contact (a URL or an e-mail
	// address); it is required for Wikipedia.
	UserAgent string `json:"user_agent,omitempty" jsonschema:"title=User-Agent,description=Client name with a contact URL or e-mail address"`
	// MaxLag is sent as maxlag: the wiki refuses work while its database
	// replicas lag more than this many seconds and the connector waits.
	// Zero sends none; Wikipedia uses 5.
	MaxLag int `json:"max_lag,omitempty" jsonschema:"title=Max lag,minimum=0,maximum=60"`
	// Content says what the text is read from: "wikitext" (the last
	// revision's source, converted here; the default) or "html" (the page
	// as the wiki renders it, templates expanded, with action=parse: one
	// more request per page).
	Content string `json:"content,omitempty" jsonschema:"title=Content,enum=wikitext,enum=html,default=wikitext"`
	// PageSize is the number of pages per request, at most 50 (the
	// most pages MediaWiki gives content for in one answer).
	PageSize int `json:"page_size,omitempty" jsonschema:"title=Page size,minimum=1,maximum=50,default=50"`
	// RequestsPerSecond is the client's pace; requests are serial.
	RequestsPerSecond float64 `json:"requests_per_second,omitempty" jsonschema:"title=Requests per second,minimum=0.1,maximum=50,default=5"`
}

// SetDefaults fills the defaults.
func (s *Settings) SetDefaults() {
	s.Namespaces = []int{0}
	s.PageSize = 50
	s.RequestsPerSecond = 5
	s.Content = ContentWikitext
}

// The values of Settings.Content.
const (
	ContentWikitext = "wikitext"
	ContentHTML     = "html"
)

var language = regexp.MustCompile(`^[a-z][a-z0-9-]{1,20}$`)

// contact matches a User-Agent that names a URL or an e-mail address.
var contact = regexp.MustCompile(`https?://\S+|\S+@\S+\.\S+`)

// Validate reports every problem with the settings for a MediaWiki wiki,
// filling the defaults; the Wikipedia source's constructor adds its
// preset's rules.
func (s *Settings) Validate() error { return s.validate(s.Language != "") }

// validate reports every problem, filling defaults; wikipedia applies the
// Wikipedia preset's rules.
func (s *Settings) validate(wikipedia bool) error {
	var errs []error
	if len(s.Namespaces) == 0 {
		s.Namespaces = []int{0}
	}
	if s.PageSize == 0 {
		s.PageSize = 50
	}
	if s.Content == "" {
		s.Content = ContentWikitext
	}
	if s.Content != ContentWikitext && s.Content != ContentHTML {
		errs = append(errs, tributary.InvalidField("content", "must be wikitext or html"))
	}
	if s.RequestsPerSecond == 0 {
		s.RequestsPerSecond = 5
	}
	if wikipedia {
		if s.MaxLag == 0 {
			s.MaxLag = 5
		}
		if s.BaseURL == "" {
			if !language.MatchString(s.Language) {
				errs = append(errs, tributary.InvalidField("language", "required: a Wikipedia language code such as en"))
			}
			s.BaseURL = "https://" + s.Language + ".wikipedia.org/w/api.php"
		}
		if !contact.MatchString(s.UserAgent) {
			errs = append(errs, tributary.InvalidField("user_agent", "required for Wikipedia: a client name with a contact URL or e-mail address (Wikimedia's User-Agent policy)"))
		}
	} else if s.Language != "" {
		errs = append(errs, tributary.InvalidField("language", "only for the Wikipedia source; set base_url"))
	}
	if u, err := url.Parse(s.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		!strings.HasSuffix(u.Path, "api.php") || u.RawQuery != "" || u.User != nil {
		errs = append(errs, tributary.InvalidField("base_url", "must be the wiki's api.php URL, such as https://wiki.example.org/w/api.php"))
	}
	for _, n := range s.Namespaces {
		if n < 0 {
			errs = append(errs, tributary.InvalidField("namespaces", "namespace numbers are 0 or more (special pages cannot be read)"))
			break
		}
	}
	if s.MaxLag < 0 || s.MaxLag > 60 {
		errs = append(errs, tributary.InvalidField("max_lag", "must be between 0 and 60 seconds"))
	}
	if s.PageSize < 1 || s.PageSize > 50 {
		errs = append(errs, tributary.InvalidField("page_size", "must be between 1 and 50"))
	}
	if s.RequestsPerSecond < 0.1 || s.RequestsPerSecond > 50 {
		errs = append(errs, tributary.InvalidField("requests_per_second", "must be between 0.1 and 50"))
	}
	return errors.Join(errs...)
}

// Credentials log in with a bot password (Special:BotPasswords) for a
// private wiki; both empty reads anonymously.
type Credentials struct {
	// Username is the bot password's login name, "User@BotName".
	Username string `json:"username,omitempty" jsonschema:"title=Bot user name,description=User@BotName from Special:BotPasswords"`
	// Password is the bot password.
	Password tributary.Secret `json:"password,omitempty" jsonschema:"title=Bot password"`
}

// Validate reports a user name without a password or the reverse.
func (c *Credentials) Validate() error {
	if (c.Username == "") != c.Password.IsZero() {
		return tributary.InvalidField("password", "username and password go together (a bot password), or both stay empty")
	}
	return nil
}
