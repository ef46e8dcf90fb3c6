package discourse

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/tributary-dev/tributary"
)

// accessOf returns who may read a category's topics: everyone for a
// public category; for a read_restricted one the groups its
// group_permissions name (GET /c/{id}/show.json), as group:NAME.
func (r *run) accessOf(c apiCategory) (*tributary.ExternalAccess, error) {
	if !c.ReadRestricted {
		return &tributary.ExternalAccess{Public: true}, nil
	}
	var show struct {
		Category *struct {
			GroupPermissions []struct {
				GroupName string `json:"group_name"`
			} `json:"group_permissions"`
		} `json:"category"`
	}
	if err := r.c.get(r.ctx, "/c/"+strconv.Itoa(c.ID)+"/show.json", &show); err != nil {
		return nil, fmt.Errorf("discourse: read permissions of category %d: %w", c.ID, err)
	}
	if show.Category == nil {
		return nil, tributary.NewError("discourse: read category permissions", tributary.ErrMalformedResponse, fmt.Errorf("no category in the answer"))
	}
	a := &tributary.ExternalAccess{}
	for _, p := range show.Category.GroupPermissions {
		if p.GroupName != "" {
			a.GroupIDs = append(a.GroupIDs, "group:"+p.GroupName)
		}
	}
	slices.Sort(a.GroupIDs)
	return a, nil
}
