package blob

import (
	"context"
	"net/url"
	"path"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/archive"
	"github.com/tributary-dev/tributary/internal/extract"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// NormalizeURL maps an address of an object to its document id: the id
// itself (s3://BUCKET/KEY, r2://, gs://, oci://, with an archive entry's
// !/ENTRY), the link documents carry (under link_base, or the object's URL
// at the endpoint, path-style or virtual-hosted; an entry's link ends in
// #!/ENTRY), and for Amazon S3 the
// other URL forms the console hands out (https://BUCKET.s3.amazonaws.com/KEY,
// https://s3.REGION.amazonaws.com/BUCKET/KEY). The key must be one the
// settings read (prefixes, globs); another bucket or host is
// ErrForeignURL, a folder, an archive (whose entries are the documents)
// or a key the settings leave out ErrNotSupported.
func (c *Connector) NormalizeURL(_ context.Context, rawURL string) (string, error) {
	raw := strings.TrimSpace(rawURL)
	if strings.HasPrefix(raw, c.base) {
		return c.checked(rawURL, raw)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", tributary.ForeignURL(c.source, rawURL, "neither an id of "+c.base+" nor an http or https address")
	}
	entry := "" // an archive entry's link names it in the fragment: #!/ENTRY
	if f := u.EscapedFragment(); strings.HasPrefix(f, "!/") {
		entry = f
	}
	u.RawQuery, u.Fragment = "", ""
	for _, base := range c.objectBases() {
		if rest, ok := strings.CutPrefix(u.String(), base); ok && rest != "" {
			key, err := url.PathUnescape(rest)
			if err != nil {
				return "", tributary.UnmappableURL(c.source, rawURL, "the key is not a valid escaped path")
			}
			return c.checked(rawURL, c.docID(key)+entry)
		}
	}
	return "", tributary.ForeignURL(c.source, rawURL, "not an address of the bucket "+c.s.Bucket)
}

// checked returns id when Load would yield it: an archive, as its name
// tells, is no document when archives are opened (its entries are).
func (c *Connector) checked(rawURL, id string) (string, error) {
	key, err := c.keyOf(id)
	if err != nil {
		return "", tributary.UnmappableURL(c.source, rawURL, strings.TrimPrefix(err.Error(), string(c.source)+": refetch: "))
	}
	if c.s.OpenArchives && !strings.Contains(strings.TrimPrefix(id, c.base), "!/") && archive.IsArchive(extract.FormatOf(path.Base(key))) {
		return "", tributary.UnmappableURL(c.source, rawURL, "an archive: its entries are the documents (ARCHIVE-ID!/ENTRY)")
	}
	return id, nil
}

// objectBases are the URL prefixes an object's key follows: the link
// base or the endpoint's forms, and Amazon's for the s3 source.
func (c *Connector) objectBases() []string {
	var out []string
	if c.s.LinkBase != "" {
		out = append(out, strings.TrimRight(c.s.LinkBase, "/")+"/")
	}
	bucket := url.PathEscape(c.s.Bucket)
	if c.s.Endpoint == "" {
		region := c.s.Region
		return append(out, "https://"+c.s.Bucket+".s3."+region+".amazonaws.com/", "https://"+c.s.Bucket+".s3.amazonaws.com/",
			"https://s3."+region+".amazonaws.com/"+bucket+"/", "https://s3.amazonaws.com/"+bucket+"/")
	}
	out = append(out, c.s.Endpoint+"/"+bucket+"/")
	if e, err := url.Parse(c.s.Endpoint); err == nil {
		out = append(out, e.Scheme+"://"+c.s.Bucket+"."+e.Host+"/")
	}
	return out
}
