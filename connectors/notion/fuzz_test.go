package notion

import (
	"encoding/json"
	"testing"
	"time"
)

// FuzzObject maps arbitrary page objects and blocks as the stream does:
// it never panics, and a page that decodes either maps or fails with an
// error.
func FuzzObject(f *testing.F) {
	f.Add([]byte(`{"object":"page","id":"1d08971a-f41d-4ac5-8c5f-4d8d4c4fffc0","last_edited_time":"2025-01-01T10:00:00.000Z",
		"parent":{"type":"database_id","database_id":"x"},"properties":{"Name":{"type":"title","title":[{"plain_text":"T"}]},
		"N":{"type":"number","number":3},"S":{"type":"multi_select","multi_select":[{"name":"a"}]},"D":{"type":"date","date":{"start":"2025-01-01","end":null}}}}`),
		[]byte(`{"object":"block","id":"b","type":"table_row","table_row":{"cells":[[{"plain_text":"a"}],[]]}}`))
	f.Add([]byte(`{"properties":{"x":{"type":"select","select":null}}}`), []byte(`{"type":"to_do","to_do":{"checked":null}}`))
	f.Add([]byte(`{"properties":{"x":[]}}`), []byte(`{"type":"synced_block","synced_block":{"synced_from":{"block_id":""}}}`))
	f.Fuzz(func(t *testing.T, page, block []byte) {
		r := &run{slim: true}
		var o apiObject
		if json.Unmarshal(page, &o) == nil {
			o.LastEditedTime = time.Unix(0, 0)
			_ = titleOf(&o)
			_, _ = r.toDocument(&o, "", nil)
		}
		var b apiBlock
		if json.Unmarshal(block, &b) == nil {
			b.HasChildren = false
			rd := &reader{r: &run{c: &Connector{settings: Settings{MaxDepth: 1}}}, link: "l", synced: map[string]bool{}}
			_ = rd.block(&b, 0)
			rd.flush()
		}
	})
}
