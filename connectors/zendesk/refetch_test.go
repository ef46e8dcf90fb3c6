package zendesk

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/zendeskemu"
)

func TestRefetchAnswersEachIDOnce(t *testing.T) {
	f := newFixture(t, smallGen, zendeskemu.Options{})
	c := f.connector(t, f.settings("en-us"), f.env())
	var article, draft *zendeskemu.Article
	for _, a := range f.data.Articles {
		if a.Locale == "en-us" && a.Draft && draft == nil {
			draft = a
		}
		if a.Locale == "en-us" && !a.Draft && article == nil {
			article = a
		}
	}
	require.NotNil(t, draft)
	ticket := ticketID(testBase, 1)
	gone := ticketID(testBase, 3)
	deleted := ticketID(testBase, int64(len(f.data.Tickets))) // the last ones are deleted
	f.emu.Update(func(d *zendeskemu.Data) { d.Tickets = append(d.Tickets[:2], d.Tickets[3:]...) })
	art := articleID(testBase, "en-us", article.ID)
	drafted := articleID(testBase, "en-us", draft.ID)
	otherLocale := articleID(testBase, "de", article.ID)
	got := connectortest.Collect(c.Refetch(t.Context(), []string{ticket, gone, deleted, art, drafted, otherLocale,
		"https://elsewhere.zendesk.com/agent/tickets/1", testBase + "/agent/tickets/01"}))
	require.NoError(t, got.Err)
	assert.ElementsMatch(t, []string{ticket, art}, ids(got.Documents))
	assert.ElementsMatch(t, []string{gone, deleted, drafted}, got.Deletions)
	require.Len(t, got.Failures, 3)
	for _, fl := range got.Failures {
		assert.True(t, errors.Is(fl, tributary.ErrForeignURL), fl.Error())
	}
	require.NotEmpty(t, got.Nodes)
	assert.Empty(t, got.Checkpoints)
}
