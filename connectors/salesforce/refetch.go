package salesforce

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// Refetch reads the records with the ids again, one by one
// (GET /sobjects/{Object}/{Id} with the fields a load reads, and the
// owner's name and address from GET /sobjects/User/{Id}). For each id it
// yields the document after its nodes, a deletion when the org no longer
// has the record (404 NOT_FOUND or ENTITY_IS_DELETED, or an article no
// longer online in the language read), or a Failure. An id that is not a
// record of this org of an object the settings read fails with
// ErrForeignURL.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		r := c.newRun(ctx, yield, time.Time{}, time.Time{}, false)
		if !r.begin() {
			return
		}
		owners := map[string]map[string]any{}
		for _, id := range ids {
			obj, rid, ok := c.parseRecordID(r.sess.instance, id)
			if !ok {
				err := tributary.NewError("salesforce: refetch", tributary.ErrForeignURL,
					fmt.Errorf("%s is not a record of this org of an object the settings read", id))
				if !r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err))) {
					return
				}
				continue
			}
			if !r.refetch(obj, rid, owners) {
				return
			}
		}
	}
}

// parseRecordID splits a document id into its object and record id.
func (c *Connector) parseRecordID(instance, id string) (object, rid string, ok bool) {
	rest, ok := strings.CutPrefix(id, instance+"/lightning/r/")
	parts := strings.Split(rest, "/")
	if !ok || len(parts) != 3 || parts[2] != "view" || len(parts[1]) != 18 || !recordIDPattern.MatchString(parts[1]) ||
		!slices.Contains(c.settings.objects(), parts[0]) {
		return "", "", false
	}
	return parts[0], parts[1], true
}

// terminal reports an error that ends a refetch rather than failing one
// record.
func terminal(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errorsIsAny(err, tributary.ErrCredentialExpired, tributary.ErrRateLimited)
}

func (r *run) refetch(object, rid string, owners map[string]map[string]any) bool {
	did := recordID(r.sess.instance, object, rid)
	failed := func(err error) bool {
		if terminal(r.ctx, err) {
			return r.Fail(fmt.Errorf("salesforce: refetch: %w", err))
		}
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(did, did, err)))
	}
	info, err := r.c.describe(r.ctx, object)
	if err != nil {
		return failed(err)
	}
	var fields []string
	for _, f := range info.fields {
		if !strings.Contains(f, ".") {
			fields = append(fields, f)
		}
	}
	if object == ObjectKnowledge {
		fields = append(fields, "PublishStatus", "Language")
	}
	var rec map[string]any
	err = r.c.client.get(r.ctx, "/sobjects/"+url.PathEscape(object)+"/"+rid+"?"+url.Values{"fields": {strings.Join(fields, ",")}}.Encode(), &rec)
	if code := codeOf(err); statusOf(err) == 404 && (code == "NOT_FOUND" || code == "ENTITY_IS_DELETED") {
		return r.Yield(tributary.DeletionItem(did))
	}
	if err != nil {
		return failed(fmt.Errorf("salesforce: refetch %s: %w", did, err))
	}
	if id, _ := rec["Id"].(string); id != rid {
		return failed(malformed("refetch "+object, "the answer is another record's"))
	}
	if object == ObjectKnowledge && (rec["PublishStatus"] != "Online" || rec["Language"] != r.c.settings.KnowledgeLanguage) {
		return r.Yield(tributary.DeletionItem(did))
	}
	stamp, ok := parseTime(rec["SystemModstamp"])
	if !ok {
		return failed(malformed("refetch "+object, "a record whose SystemModstamp is not a datetime"))
	}
	if ownerID, _ := rec["OwnerId"].(string); info.owner && strings.HasPrefix(ownerID, "005") && recordIDPattern.MatchString(ownerID) {
		owner, seen := owners[ownerID]
		if !seen {
			var u map[string]any
			err := r.c.client.get(r.ctx, "/sobjects/User/"+ownerID+"?"+url.Values{"fields": {"Id,Name,Email"}}.Encode(), &u)
			if err != nil && statusOf(err) != 404 {
				return failed(fmt.Errorf("salesforce: refetch %s: its owner: %w", did, err))
			}
			owner = map[string]any{"Name": u["Name"], "Email": u["Email"]}
			owners[ownerID] = owner
		}
		rec["Owner"] = owner
	}
	if !r.nodes(info) {
		return false
	}
	return r.Yield(tributary.DocumentItem(r.document(info, rec, rid, stamp)))
}
