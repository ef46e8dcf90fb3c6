package hubspot

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// Refetch reads the records with the ids again, by batch reads of up to
// 100 per type, with their notes and e-mails. For each id it yields the
// document after its nodes, a deletion when HubSpot no longer has the
// record (archived or merged away), or a Failure. An id that is not a
// record of this account of a type the settings read fails with
// ErrForeignURL.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		r := c.newRun(ctx, yield, time.Time{}, time.Time{}, false)
		acct, err := c.client.details(ctx)
		if err != nil {
			r.Fail(err)
			return
		}
		r.acct, r.owners = acct, c.loadOwners(ctx)
		byType := map[string][]string{}
		for _, id := range ids {
			typ, rid, ok := c.parseID(acct, id)
			if !ok {
				err := tributary.NewError("hubspot: refetch", tributary.ErrForeignURL,
					fmt.Errorf("%s is not a record of HubSpot account %d that the settings read", id, acct.PortalID))
				if !r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err))) {
					return
				}
				continue
			}
			if !slices.Contains(byType[typ], rid) {
				byType[typ] = append(byType[typ], rid)
			}
		}
		for _, typ := range c.settings.Objects {
			for chunk := range slices.Chunk(byType[typ], 100) {
				if !r.refetch(typ, chunk) {
					return
				}
			}
		}
	}
}

// parseID splits a record id into its type and record number.
func (c *Connector) parseID(a *account, id string) (typ, rid string, ok bool) {
	rest, ok := strings.CutPrefix(id, c.accountID(a)+"/record/")
	tid, rid, ok2 := strings.Cut(rest, "/")
	n, err := strconv.ParseInt(rid, 10, 64)
	if !ok || !ok2 || err != nil || n <= 0 || strconv.FormatInt(n, 10) != rid {
		return "", "", false
	}
	for _, t := range c.settings.Objects {
		if typeID(t) == tid {
			return t, rid, true
		}
	}
	return "", "", false
}

func (r *run) refetch(typ string, rids []string) bool {
	in := make([]map[string]string, len(rids))
	for i, id := range rids {
		in[i] = map[string]string{"id": id}
	}
	var b batchAnswer
	err := r.c.client.post(r.ctx, "/crm/v3/objects/"+typ+"/batch/read", map[string]any{"properties": r.c.properties(typ), "inputs": in}, &b, false)
	if err != nil {
		if terminal(err) {
			return r.Fail(fmt.Errorf("hubspot: refetch: %w", err))
		}
		for _, id := range rids {
			did := r.c.recordID(r.acct, typ, id)
			if !r.Yield(tributary.FailureItem(tributary.DocumentFailure(did, did, err))) {
				return false
			}
		}
		return true
	}
	found := map[string]*apiObject{}
	var recs []*apiObject
	for _, raw := range b.Results {
		var o apiObject
		if json.Unmarshal(raw, &o) == nil && o.id() > 0 && slices.Contains(rids, o.ID) && found[o.ID] == nil {
			found[o.ID] = &o
			recs = append(recs, &o)
		}
	}
	if !r.nodes(typ) {
		return false
	}
	var eng *engagements
	if len(recs) > 0 {
		if eng, err = r.c.engagementsOf(r.ctx, typ, recs); err != nil {
			if terminal(err) {
				return r.Fail(fmt.Errorf("hubspot: refetch: %w", err))
			}
		}
	}
	for _, id := range rids {
		did := r.c.recordID(r.acct, typ, id)
		var it tributary.Item
		switch o := found[id]; {
		case o == nil:
			it = tributary.DeletionItem(did)
		case eng == nil:
			it = tributary.FailureItem(tributary.DocumentFailure(did, did, err))
		case eng.failure(id) != nil:
			it = tributary.FailureItem(tributary.DocumentFailure(did, did, eng.failure(id)))
		default:
			it = tributary.DocumentItem(r.c.document(r.acct, typ, o, eng, r.owners, false))
		}
		if !r.Yield(it) {
			return false
		}
	}
	return true
}
