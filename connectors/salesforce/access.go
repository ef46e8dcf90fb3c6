package salesforce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"

	"github.com/tributary-dev/tributary"
)

// orgDefaults reads the org's name and which objects' org-wide defaults
// let every user read (Organization's Default*Access fields; a Contact
// controlled by its parent follows Account). Knowledge articles and the
// settings' public_objects count as public. An org whose Organization
// cannot be read leaves the standard objects private, which names their
// owners only: less access, never more.
func (c *Connector) orgDefaults(ctx context.Context) (string, map[string]bool, error) {
	public := map[string]bool{ObjectKnowledge: true}
	for _, o := range c.settings.PublicObjects {
		public[o] = true
	}
	var page queryAnswer
	q := "SELECT Id, Name, DefaultAccountAccess, DefaultContactAccess, DefaultOpportunityAccess, DefaultCaseAccess FROM Organization"
	err := c.client.get(ctx, "/query?"+url.Values{"q": {q}}.Encode(), &page)
	if err != nil && (errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrRateLimited) || ctx.Err() != nil ||
		errors.Is(err, tributary.ErrTransient)) {
		return "", nil, fmt.Errorf("salesforce: read the organization: %w", err)
	}
	var org struct {
		Name        string `json:"Name"`
		Account     string `json:"DefaultAccountAccess"`
		Contact     string `json:"DefaultContactAccess"`
		Opportunity string `json:"DefaultOpportunityAccess"`
		Case        string `json:"DefaultCaseAccess"`
	}
	if err == nil && len(page.Records) == 1 {
		err = json.Unmarshal(page.Records[0], &org)
	} else if err == nil {
		err = errors.New("no Organization record")
	}
	if err != nil {
		c.env.Log().Warn("salesforce: organization not read; standard objects are taken as private", "error", err)
		return "Salesforce org", public, nil
	}
	if org.Contact == "ControlledByParent" {
		org.Contact = org.Account
	}
	for obj, v := range map[string]string{ObjectAccount: org.Account, ObjectContact: org.Contact, ObjectOpportunity: org.Opportunity, ObjectCase: org.Case} {
		if slices.Contains(publicValues, v) {
			public[obj] = true
		}
	}
	if org.Name == "" {
		org.Name = "Salesforce org"
	}
	return org.Name, public, nil
}
