package hubspotemu

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// searchRequest is the body of POST /crm/v3/objects/{type}/search.
type searchRequest struct {
	FilterGroups []struct {
		Filters []filter `json:"filters"`
	} `json:"filterGroups"`
	Sorts      []json.RawMessage `json:"sorts"`
	Properties []string          `json:"properties"`
	Limit      *int              `json:"limit"`
	After      string            `json:"after"`
	Query      string            `json:"query"`
}

type filter struct {
	PropertyName string `json:"propertyName"`
	Operator     string `json:"operator"`
	Value        string `json:"value"`
}

type sortSpec struct {
	PropertyName string `json:"propertyName"`
	Direction    string `json:"direction"`
}

// dateProperties are compared as times (milliseconds since the epoch,
// or ISO 8601).
var dateProperties = map[string]bool{"createdate": true, "hs_lastmodifieddate": true, "lastmodifieddate": true,
	"closedate": true, "hs_timestamp": true}

// value returns what a filter or sort compares for a property: a time
// in milliseconds, a number, or the string.
func value(name, v string) (float64, string, bool) {
	if v == "" {
		return 0, "", false
	}
	if dateProperties[name] {
		if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
			return float64(ms), "", true
		}
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return float64(t.UnixMilli()), "", true
		}
		return 0, v, true
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		return n, "", true
	}
	return 0, v, true
}

func compareValues(name, a, b string) int {
	an, as, _ := value(name, a)
	bn, bs, _ := value(name, b)
	if as == "" && bs == "" {
		return cmp.Compare(an, bn)
	}
	return strings.Compare(strings.ToLower(a), strings.ToLower(b))
}

func (f filter) matches(props map[string]string) (bool, bool) {
	v, has := props[f.PropertyName]
	has = has && v != ""
	switch f.Operator {
	case "HAS_PROPERTY":
		return has, true
	case "NOT_HAS_PROPERTY":
		return !has, true
	case "EQ", "NEQ", "LT", "LTE", "GT", "GTE":
	default:
		return false, false
	}
	if _, _, ok := value(f.PropertyName, f.Value); !ok {
		return false, false
	}
	if !has {
		return f.Operator == "NEQ", true
	}
	c := compareValues(f.PropertyName, v, f.Value)
	switch f.Operator {
	case "EQ":
		return c == 0, true
	case "NEQ":
		return c != 0, true
	case "LT":
		return c < 0, true
	case "LTE":
		return c <= 0, true
	case "GT":
		return c > 0, true
	}
	return c >= 0, true // GTE
}

func (s *Server) search(r *http.Request, tok string) answer {
	typ, a, ok := s.typeOf(r, "type", tok)
	if !ok {
		return a
	}
	var req searchRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return badRequest("Invalid input JSON on line 1: " + err.Error())
	}
	limit := 10
	if req.Limit != nil {
		limit = *req.Limit
	}
	if limit < 1 || limit > 200 {
		return badRequest("limit must be between 1 and 200")
	}
	if len(req.FilterGroups) > 5 {
		return badRequest("Cannot have more than 5 filter groups")
	}
	var sort sortSpec
	switch len(req.Sorts) {
	case 0:
		sort = sortSpec{PropertyName: "hs_object_id", Direction: "ASCENDING"}
	case 1:
		if json.Unmarshal(req.Sorts[0], &sort) != nil {
			var name string
			if json.Unmarshal(req.Sorts[0], &name) != nil {
				return badRequest("sorts must be property names or {propertyName, direction}")
			}
			sort = sortSpec{PropertyName: strings.TrimPrefix(name, "-"), Direction: "ASCENDING"}
			if strings.HasPrefix(name, "-") {
				sort.Direction = "DESCENDING"
			}
		}
	default:
		return badRequest("Only one sort is allowed")
	}
	offset := 0
	if req.After != "" {
		n, err := strconv.Atoi(req.After)
		if err != nil || n < 0 {
			return badRequest("after must be a number")
		}
		offset = n
	}
	if offset >= s.opts.SearchCap {
		return badRequest("There was a problem with the request: the search API returns at most " +
			strconv.Itoa(s.opts.SearchCap) + " results for a query; narrow it to read further.")
	}
	type hit struct {
		o     *Object
		props map[string]string
	}
	var hits []hit
	for _, o := range s.data.Objects[typ] {
		if o.Archived() {
			continue
		}
		props := o.props()
		match := len(req.FilterGroups) == 0
		for _, g := range req.FilterGroups {
			if len(g.Filters) > 6 {
				return badRequest("Cannot have more than 6 filters in a filter group")
			}
			all := true
			for _, f := range g.Filters {
				m, ok := f.matches(props)
				if !ok {
					return badRequest("Invalid filter on " + f.PropertyName + ": operator " + f.Operator + " with value " + f.Value)
				}
				all = all && m
			}
			match = match || all
		}
		if match && (req.Query == "" || strings.Contains(strings.ToLower(strings.Join(propValues(props), " ")), strings.ToLower(req.Query))) {
			hits = append(hits, hit{o, props})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		c := compareValues(sort.PropertyName, a.props[sort.PropertyName], b.props[sort.PropertyName])
		if sort.Direction == "DESCENDING" {
			c = -c
		}
		return cmp.Or(c, cmp.Compare(a.o.ID, b.o.ID))
	})
	total := len(hits)
	hits = hits[min(offset, len(hits)):]
	end := min(limit, len(hits), s.opts.SearchCap-offset)
	results := []map[string]any{}
	for _, h := range hits[:end] {
		results = append(results, s.record(h.o, req.Properties, nil))
	}
	body := map[string]any{"total": total, "results": results}
	if end < len(hits) {
		body["paging"] = map[string]any{"next": map[string]any{"after": strconv.Itoa(offset + end)}}
	}
	return answer{http.StatusOK, body}
}

func propValues(p map[string]string) []string {
	out := make([]string, 0, len(p))
	for _, v := range p {
		out = append(out, v)
	}
	return out
}

// batchInputs reads {"inputs":[{"id":"1"}], "properties":[...]}.
type batchInputs struct {
	Inputs []struct {
		ID string `json:"id"`
	} `json:"inputs"`
	Properties []string `json:"properties"`
}

func (s *Server) batchRead(r *http.Request, tok string) answer {
	typ, a, ok := s.typeOf(r, "type", tok)
	if !ok {
		return a
	}
	var in batchInputs
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return badRequest("Invalid input JSON: " + err.Error())
	}
	if len(in.Inputs) > 100 {
		return badRequest("Batch input limit is 100")
	}
	results := []map[string]any{}
	var missing []string
	for _, x := range in.Inputs {
		id, err := strconv.ParseInt(x.ID, 10, 64)
		o := s.data.Get(typ, id)
		if err != nil || o == nil || o.Archived() {
			missing = append(missing, x.ID)
			continue
		}
		results = append(results, s.record(o, in.Properties, nil))
	}
	return batchAnswer(results, missing, "OBJECT_NOT_FOUND",
		"Could not get some "+typ+" objects, they may be deleted or not exist. Check that ids are valid.", "ids")
}

// batchAnswer is 200 when every input was found, else 207 with an error
// naming the others.
func batchAnswer(results []map[string]any, missing []string, category, msg, key string) answer {
	now := stamp(time.Now())
	body := map[string]any{"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now}
	if len(missing) == 0 {
		return answer{http.StatusOK, body}
	}
	body["numErrors"] = 1
	body["errors"] = []map[string]any{{"status": "error", "category": category, "message": msg,
		"context": map[string][]string{key: missing}}}
	return answer{http.StatusMultiStatus, body}
}

func (s *Server) associations(r *http.Request, tok string) answer {
	from, a, ok := s.typeOf(r, "from", tok)
	if !ok {
		return a
	}
	to, a, ok := s.typeOf(r, "to", tok)
	if !ok {
		return a
	}
	var in batchInputs
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return badRequest("Invalid input JSON: " + err.Error())
	}
	if len(in.Inputs) > 1000 {
		return badRequest("Batch input limit is 1000")
	}
	results := []map[string]any{}
	var none, broken []string
	for _, x := range in.Inputs {
		id, err := strconv.ParseInt(x.ID, 10, 64)
		o := s.data.Get(from, id)
		if err == nil && o != nil && o.Broken {
			broken = append(broken, x.ID)
			continue
		}
		if err != nil || o == nil || len(o.Associations[to]) == 0 {
			none = append(none, x.ID)
			continue
		}
		ids := o.Associations[to]
		var links []map[string]any
		for _, id := range ids[:min(len(ids), s.opts.MaxAssociations)] {
			links = append(links, map[string]any{"toObjectId": id,
				"associationTypes": []map[string]any{{"category": "HUBSPOT_DEFINED", "typeId": 202, "label": nil}}})
		}
		res := map[string]any{"from": map[string]any{"id": x.ID}, "to": links}
		if len(ids) > s.opts.MaxAssociations {
			res["paging"] = map[string]any{"next": map[string]any{"after": strconv.Itoa(s.opts.MaxAssociations)}}
		}
		results = append(results, res)
	}
	ans := batchAnswer(results, none, "NO_ASSOCIATIONS_FOUND", "No "+to+" is associated with "+singular(from)+".", "fromObjectId")
	if len(broken) > 0 {
		body := ans.body.(map[string]any)
		errs, _ := body["errors"].([]map[string]any)
		body["errors"] = append(errs, map[string]any{"status": "error", "category": "INTERNAL_ERROR",
			"message": "Unable to read associations.", "context": map[string][]string{"fromObjectId": broken}})
		body["numErrors"] = len(body["errors"].([]map[string]any))
		ans.status = http.StatusMultiStatus
	}
	return ans
}
