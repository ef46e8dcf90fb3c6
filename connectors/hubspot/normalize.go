package hubspot

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// oldKinds are the record pages of HubSpot's older addresses
// (/contacts/PORTAL/deal/ID/).
var oldKinds = map[string]string{"company": TypeCompanies, "contact": TypeContacts, "deal": TypeDeals, "ticket": TypeTickets}

// NormalizeURL maps the address of a record page, as a person pastes it
// from HubSpot, to its document id: /contacts/PORTAL/record/TYPE/ID with
// any tab or view after it, a query or a fragment, and the older
// /contacts/PORTAL/deal/ID/ form. It asks HubSpot once for the account's
// portal id and web domain. An address of another host or account is
// ErrForeignURL; one that names no record, or a record of a type the
// settings do not read, is ErrNotSupported.
func (c *Connector) NormalizeURL(ctx context.Context, rawURL string) (string, error) {
	u, err := tributary.ParseWebURL(Source, rawURL)
	if err != nil {
		return "", err
	}
	host := strings.ToLower(u.Hostname())
	if host != "hubspot.com" && !strings.HasSuffix(host, ".hubspot.com") {
		return "", tributary.ForeignURL(Source, rawURL, "not a HubSpot address")
	}
	a, err := c.client.details(ctx)
	if err != nil {
		return "", err
	}
	if host != strings.ToLower(a.UIDomain) {
		return "", tributary.ForeignURL(Source, rawURL, "not an address of "+a.UIDomain)
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(segs) < 2 || segs[0] != "contacts" || segs[1] != strconv.FormatInt(a.PortalID, 10) {
		return "", tributary.ForeignURL(Source, rawURL, "not an address of HubSpot account "+strconv.FormatInt(a.PortalID, 10))
	}
	unmappable := func(why string) (string, error) { return "", tributary.UnmappableURL(Source, rawURL, why) }
	var typ, id string
	switch {
	case len(segs) >= 5 && segs[2] == "record":
		for _, t := range objectTypes {
			if t.id == segs[3] {
				typ = t.name
			}
		}
		id = segs[4]
	case len(segs) >= 4 && oldKinds[segs[2]] != "":
		typ, id = oldKinds[segs[2]], segs[3]
	default:
		return unmappable("not the address of a record")
	}
	if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 || strconv.FormatInt(n, 10) != id {
		return unmappable("no record id")
	}
	if typ == "" || typeID(typ) == "" || !slices.Contains(c.settings.Objects, typ) {
		return unmappable("a record of a type the settings do not read")
	}
	return c.recordID(a, typ, id), nil
}
