package confluence

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/confluenceemu"
)

// tinyCode is the code of a page's tiny link, as Confluence makes it.
func tinyCode(id int64) string {
	b := bytes.TrimRight(binary.LittleEndian.AppendUint64(nil, uint64(id)), "\x00")
	s := base64.StdEncoding.EncodeToString(b)
	return strings.TrimRight(strings.NewReplacer("+", "_", "/", "-").Replace(s), "A=")
}

func TestTinyID(t *testing.T) {
	// The example of the pretty, ugly and tiny addresses of one page.
	assert.Equal(t, "LIQHD", tinyCode(201819180))
	assert.Equal(t, "201819180", tinyID("LIQHD"))
	for _, id := range []int64{1, 65, 98305, 1 << 40, 9_007_199_254_740_993} {
		assert.Equal(t, strconv.FormatInt(id, 10), tinyID(tinyCode(id)), id)
	}
	for _, bad := range []string{"", "!!", "AAAAAAAAAAAAAAAA"} {
		assert.Empty(t, tinyID(bad), bad)
	}
}

func TestNormalizeURLGivesLoadedIDs(t *testing.T) {
	for _, flavor := range []confluenceemu.Flavor{confluenceemu.Cloud, confluenceemu.DataCenter} {
		f := newFixture(t, confluenceemu.GenerateOptions{Spaces: 2, Pages: 12, RestrictEvery: 5, Seed: 8}, confluenceemu.Options{Flavor: flavor})
		c := f.connector(t, f.settings())
		ctx := context.Background()
		got := collect(ctx, c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		loaded := map[string]bool{}
		for _, d := range got.Documents {
			loaded[d.ID] = true
		}
		checked := 0
		for _, p := range f.data.Pages {
			want := f.site() + confluenceemu.PageWebUI(flavor, p)
			if !loaded[want] {
				continue
			}
			checked++
			id := strconv.FormatInt(p.ID, 10)
			variants := []string{
				want,
				want + "?focusedCommentId=5#comment-5",
				f.site() + "/pages/viewpage.action?pageId=" + id,
				f.site() + "/x/" + tinyCode(p.ID),
			}
			if flavor == confluenceemu.Cloud {
				variants = append(variants,
					f.site()+"/spaces/"+p.Space.Key+"/pages/"+id,
					f.site()+"/spaces/"+p.Space.Key+"/pages/"+id+"/Old+Title#heading")
			} else {
				variants = append(variants, strings.ToUpper(want[:8])+want[8:]+"#heading")
			}
			for _, v := range variants {
				got, err := tributary.NormalizeURL(ctx, c, v)
				if assert.NoError(t, err, v) {
					assert.Equal(t, want, got, v)
				}
			}
		}
		assert.Positive(t, checked, flavor)
	}
}

func TestNormalizeURLRefusesOthers(t *testing.T) {
	f := newFixture(t, confluenceemu.GenerateOptions{Spaces: 2, Pages: 4, Seed: 8}, confluenceemu.Options{})
	key := f.data.Spaces[0].Key
	c := f.connector(t, f.settings(key))
	var other *confluenceemu.Page
	for _, p := range f.data.Pages {
		if p.Space.Key != key {
			other = p
		}
	}
	require.NotNil(t, other)
	for raw, kind := range map[string]error{
		"https://other.atlassian.net/wiki/spaces/" + key + "/pages/1":                  tributary.ErrForeignURL,
		"https://example.atlassian.net/spaces/" + key + "/pages/1":                     tributary.ErrForeignURL,
		"https://example.atlassian.net/wikipedia/x/AQ":                                 tributary.ErrForeignURL,
		cloudSite + "/pages/viewpage.action?pageId=" + strconv.FormatInt(other.ID, 10): tributary.ErrForeignURL,
		cloudSite + "/pages/viewpage.action?pageId=999999999":                          tributary.ErrNotFound,
		cloudSite + "/display/" + key + "/Some+Page":                                   tributary.ErrNotSupported,
		cloudSite + "/spaces/" + key + "/overview":                                     tributary.ErrNotSupported,
		cloudSite + "/pages/viewpage.action?pageId=-3":                                 tributary.ErrNotSupported,
	} {
		_, err := c.NormalizeURL(context.Background(), raw)
		assert.ErrorIs(t, err, kind, raw)
	}
}
