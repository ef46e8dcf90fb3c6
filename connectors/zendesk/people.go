package zendesk

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

// maxPeople bounds the users a run remembers; past it the memo starts
// over, so memory does not grow with the account.
const maxPeople = 4096

// people looks users up by id (GET /api/v2/users/show_many, a hundred at a
// time) and remembers them for the run.
type people struct {
	c    *client
	memo map[int64]*tributary.Person
}

func newPeople(c *client) *people { return &people{c: c, memo: map[int64]*tributary.Person{}} }

// want fetches the users among ids not yet known. A user Zendesk does not
// return (deleted, or id 0) is remembered as nobody.
func (p *people) want(ctx context.Context, ids ...int64) error {
	var missing []int64
	for _, id := range ids {
		if _, ok := p.memo[id]; !ok && id > 0 && !slices.Contains(missing, id) {
			missing = append(missing, id)
		}
	}
	if len(p.memo)+len(missing) > maxPeople {
		clear(p.memo)
	}
	for chunk := range slices.Chunk(missing, 100) {
		parts := make([]string, len(chunk))
		for i, id := range chunk {
			parts[i] = strconv.FormatInt(id, 10)
		}
		var ans struct {
			Users []apiUser `json:"users"`
		}
		q := url.Values{"ids": {strings.Join(parts, ",")}}
		if err := p.c.get(ctx, p.c.url("/users/show_many", q), &ans); err != nil {
			return fmt.Errorf("look up users: %w", err)
		}
		for _, id := range chunk {
			p.memo[id] = nil
		}
		for _, u := range ans.Users {
			if slices.Contains(chunk, u.ID) {
				p.memo[u.ID] = &tributary.Person{DisplayName: u.Name, Email: strings.ToLower(u.Email)}
			}
		}
	}
	return nil
}

// get returns the user with id as a Person, or nil when unknown. Call want
// first.
func (p *people) get(id int64) *tributary.Person { return p.memo[id] }

// owners returns the people among ids that are known, without repeats.
func (p *people) owners(ids ...int64) []tributary.Person {
	var out []tributary.Person
	var seen []int64
	for _, id := range ids {
		if pr := p.memo[id]; pr != nil && !slices.Contains(seen, id) {
			out = append(out, *pr)
			seen = append(seen, id)
		}
	}
	return out
}
