package blob

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/archive"
)

// Defaults for Settings fields left zero.
const (
	DefaultMaxObjectSize = 64 << 20
	DefaultPageSize      = 1000
	DefaultRegion        = "us-east-1"
	DefaultConcurrency   = 8
)

// Settings say which bucket to read and what to read in it.
type Settings struct {
	// Bucket is the bucket's name.
	Bucket string `json:"bucket" jsonschema:"title=Bucket,description=Name of the bucket,required"`
	// Prefixes limits the listing to keys that start with one of them
	// ("reports/2024/"); empty means the whole bucket.
	Prefixes []string `json:"prefixes,omitempty" jsonschema:"title=Key prefixes,description=Read only keys starting with one of these; empty means the whole bucket"`
	// Include lists glob patterns ("**" crosses slashes) that a key must
	// match one of; empty means every key.
	Include []string `json:"include,omitempty" jsonschema:"title=Include,description=Glob patterns a key must match one of; ** crosses slashes; empty means every key"`
	// Exclude lists glob patterns of keys to leave out.
	Exclude []string `json:"exclude,omitempty" jsonschema:"title=Exclude,description=Glob patterns of keys to leave out"`
	// MaxObjectSize is the largest object read, in bytes; larger objects
	// are reported as failures without being downloaded. Default 64 MiB.
	MaxObjectSize int64 `json:"max_object_size,omitempty" jsonschema:"title=Largest object,description=Largest object read in bytes (default 64 MiB),minimum=0"`
	// Endpoint is the S3 API's URL. Empty means AWS for the s3 source and
	// the provider's S3-compatible endpoint for the others (built from
	// AccountID for R2 and from Namespace and Region for OCI).
	Endpoint string `json:"endpoint,omitempty" jsonschema:"title=Endpoint,description=URL of the S3 API; empty means the provider's,format=uri"`
	// Region is the region requests are signed for. Default us-east-1 for
	// AWS, auto for R2 and Google Cloud Storage; required for OCI.
	Region string `json:"region,omitempty" jsonschema:"title=Region,description=Region requests are signed for"`
	// PathStyle addresses the bucket in the URL path
	// (https://endpoint/bucket/key) rather than in the host name. It is
	// always on for R2, Google Cloud Storage and OCI, and needed by most
	// self-hosted S3 servers.
	PathStyle bool `json:"path_style,omitempty" jsonschema:"title=Path-style addressing,description=Put the bucket in the URL path rather than the host name"`
	// AccountID is the Cloudflare account id, for the R2 endpoint.
	AccountID string `json:"account_id,omitempty" jsonschema:"title=Cloudflare account id,description=For R2: the account whose endpoint is https://ACCOUNT.r2.cloudflarestorage.com"`
	// Namespace is the Object Storage namespace, for the OCI endpoint.
	Namespace string `json:"namespace,omitempty" jsonschema:"title=OCI namespace,description=For OCI: the Object Storage namespace of the tenancy"`
	// LinkBase, when set, is a URL prefix under which the bucket's keys are
	// served (a CDN or a public bucket); documents link to LinkBase+key.
	// Empty links to the object's URL at the endpoint.
	LinkBase string `json:"link_base,omitempty" jsonschema:"title=Link base,description=URL prefix documents link to followed by the key,format=uri"`
	// Concurrency is how many objects are read at once (default 8, at most
	// 64); documents are yielded in key order whatever it is.
	Concurrency int `json:"concurrency,omitempty" jsonschema:"title=Concurrency,description=Objects read at once,minimum=1,maximum=64,default=8"`
	// PageSize is the listing page size, at most 1000 (S3's maximum).
	PageSize int `json:"page_size,omitempty" jsonschema:"title=Page size,minimum=1,maximum=1000,default=1000"`
	// OpenArchives indexes the entries of zip and tar archives and gzip
	// streams as documents of their own (ARCHIVE-ID!/ENTRY); when off,
	// archives are left out. On by default (see SetDefaults).
	OpenArchives bool `json:"open_archives" jsonschema:"title=Open archives,description=Index the entries of zip and tar archives and gzip streams,default=true"`
	// Archive bounds what one archive may hold; an archive over a bound is
	// refused whole with one Failure, so a zip bomb is never expanded.
	Archive ArchiveLimits `json:"archive,omitzero" jsonschema:"title=Archive limits,description=Bounds on archives; an archive over one is refused"`
}

// ArchiveLimits bounds an archive, as the file connector's do. Zero
// fields take their defaults.
type ArchiveLimits = archive.Limits

// SetDefaults fills the defaults that are not zero values before a
// configuration is decoded over them.
func (s *Settings) SetDefaults() {
	s.OpenArchives = true
}

// Credentials hold an access key pair: AWS IAM access keys, R2 API tokens'
// S3 keys, Google Cloud Storage HMAC keys, or OCI customer secret keys.
type Credentials struct {
	// AccessKeyID names the key.
	AccessKeyID string `json:"access_key_id" jsonschema:"title=Access key id,required"`
	// SecretAccessKey signs requests.
	SecretAccessKey tributary.Secret `json:"secret_access_key" jsonschema:"title=Secret access key,required"`
	// SessionToken goes with temporary (STS) credentials.
	SessionToken tributary.Secret `json:"session_token,omitempty" jsonschema:"title=Session token,description=Only for temporary credentials"`
}

// Validate reports missing keys.
func (c *Credentials) Validate() error {
	var errs []error
	if strings.TrimSpace(c.AccessKeyID) == "" {
		errs = append(errs, tributary.InvalidField("access_key_id", "required"))
	} else if strings.ContainsAny(c.AccessKeyID, " \r\n\t/") {
		errs = append(errs, tributary.InvalidField("access_key_id", "must not contain spaces, slashes or line breaks"))
	}
	if strings.TrimSpace(c.SecretAccessKey.Reveal()) == "" {
		errs = append(errs, tributary.InvalidField("secret_access_key", "required"))
	}
	return errors.Join(errs...)
}

// bucketName is what S3, R2, GCS and OCI accept as a bucket name (OCI and
// GCS also allow underscores).
var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$`)

// hostLabel is the characters Cloudflare account ids and
// OCI namespaces use.
var hostLabel = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// regionName is what a region looks like (us-east-1, auto).
var regionName = regexp.MustCompile(`^[a-z0-9-]{1,64}$`)

// validate reports every problem with the settings for source.
func (s *Settings) validate(source tributary.DocumentSource) error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, tributary.InvalidField(field, format, args...))
	}
	if !bucketName.MatchString(s.Bucket) {
		bad("bucket", "%q is not a bucket name (3 to 222 lower-case letters, digits, dots, dashes or underscores)", s.Bucket)
	}
	for i, p := range s.Prefixes {
		if p == "" {
			bad(fmt.Sprintf("prefixes[%d]", i), "must not be empty; leave prefixes out to read the whole bucket")
		}
	}
	for _, p := range []struct {
		field string
		pats  []string
	}{{"include", s.Include}, {"exclude", s.Exclude}} {
		for i, pat := range p.pats {
			if !doublestar.ValidatePattern(pat) {
				bad(fmt.Sprintf("%s[%d]", p.field, i), "invalid glob pattern %q", pat)
			}
		}
	}
	if s.MaxObjectSize < 0 {
		bad("max_object_size", "must not be negative")
	}
	if s.Archive.Negative() {
		bad("archive", "limits must not be negative")
	}
	if s.Concurrency < 0 || s.Concurrency > 64 {
		bad("concurrency", "must be between 1 and 64")
	}
	if s.PageSize < 0 || s.PageSize > 1000 {
		bad("page_size", "must be between 1 and 1000")
	}
	for _, u := range []struct{ field, value string }{{"endpoint", s.Endpoint}, {"link_base", s.LinkBase}} {
		if u.value == "" {
			continue
		}
		if p, err := url.Parse(u.value); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || p.RawQuery != "" || p.Fragment != "" {
			bad(u.field, "must be an http or https URL without query or fragment")
		} else if p.User != nil {
			bad(u.field, "must not carry a user name or password")
		}
	}
	if s.Endpoint == "" {
		switch source {
		case tributary.SourceR2:
			if !hostLabel.MatchString(s.AccountID) {
				bad("account_id", "required for R2 (the 32-character id in the Cloudflare dashboard), or set endpoint")
			}
		case tributary.SourceOCIStorage:
			if !hostLabel.MatchString(s.Namespace) {
				bad("namespace", "required for OCI (the tenancy's Object Storage namespace), or set endpoint")
			}
			if !hostLabel.MatchString(s.Region) {
				bad("region", "required for OCI (such as us-ashburn-1), or set endpoint")
			}
		}
	}
	if s.Region != "" && !regionName.MatchString(s.Region) {
		bad("region", "%q is not a region name", s.Region)
	}
	return errors.Join(errs...)
}

// resolved returns the settings with the source's endpoint, region and
// addressing filled in, and zero limits set to their defaults.
func (s Settings) resolved(source tributary.DocumentSource) Settings {
	switch source {
	case tributary.SourceR2:
		if s.Endpoint == "" {
			s.Endpoint = "https://" + s.AccountID + ".r2.cloudflarestorage.com"
		}
		s.Region = cmpOr(s.Region, "auto")
		s.PathStyle = true
	case tributary.SourceGoogleCloudStorage:
		s.Endpoint = cmpOr(s.Endpoint, "https://storage.googleapis.com")
		s.Region = cmpOr(s.Region, "auto")
		s.PathStyle = true
	case tributary.SourceOCIStorage:
		if s.Endpoint == "" {
			s.Endpoint = "https://" + s.Namespace + ".compat.objectstorage." + s.Region + ".oraclecloud.com"
		}
		s.PathStyle = true
	}
	s.Region = cmpOr(s.Region, DefaultRegion)
	s.Endpoint = strings.TrimRight(s.Endpoint, "/")
	s.MaxObjectSize = cmpOr(s.MaxObjectSize, DefaultMaxObjectSize)
	s.PageSize = cmpOr(s.PageSize, DefaultPageSize)
	s.Concurrency = cmpOr(s.Concurrency, DefaultConcurrency)
	s.Archive = s.Archive.WithDefaults()
	return s
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
