package zulip

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// Refetch reads the topics named by ids again, as a load reads them,
// after their stream's node: GET /streams once, then each topic's newest
// messages up to the cap. A topic with no message left, or of a stream the
// account no longer reads, is a deletion; an id that is not a topic of
// this organization is a Failure matching tributary.ErrForeignURL; a topic
// that cannot be read now is a Failure under its id. Rejected
// credentials, a rate limit or the end of ctx end the stream.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		if len(ids) == 0 {
			return
		}
		r := c.newRun(ctx, yield, time.Time{}, time.Time{}, false)
		streams, err := c.listStreams(ctx)
		if err != nil {
			r.Fail(fmt.Errorf("zulip: refetch: %w", err))
			return
		}
		for i := range streams {
			r.streams[streams[i].ID] = &streams[i]
		}
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				r.Fail(fmt.Errorf("zulip: refetch: %w", err))
				return
			}
			if !r.refetchOne(id) {
				return
			}
		}
	}
}

func (r *run) refetchOne(id string) bool {
	stream, topic, ok := r.c.parseTopicID(id)
	if !ok {
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id,
			tributary.NewError("zulip: refetch", tributary.ErrForeignURL, fmt.Errorf("not a topic of %s", r.c.site)))))
	}
	st := r.streams[stream]
	if st == nil {
		return r.Yield(tributary.DeletionItem(id))
	}
	ms, err := r.messages(st, topic)
	switch {
	case err != nil && terminal(err):
		return r.Fail(fmt.Errorf("zulip: refetch topic %s: %w", id, err))
	case err != nil:
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("zulip: refetch topic: %w", err))))
	case len(ms) == 0:
		return r.Yield(tributary.DeletionItem(id))
	}
	if !r.nodes[st.ID] {
		r.nodes[st.ID] = true
		if !r.Yield(tributary.NodeItem(r.node(st))) {
			return false
		}
	}
	return r.Yield(tributary.DocumentItem(r.document(st, topic, ms, true)))
}

// parseTopicID reads SITE/#narrow/channel/STREAM_ID/topic/TOPIC, the
// topic encoded as topicID encodes it.
func (c *Connector) parseTopicID(id string) (int64, string, bool) {
	rest, ok := strings.CutPrefix(id, c.site+"/#narrow/channel/")
	if !ok {
		return 0, "", false
	}
	num, enc, ok := strings.Cut(rest, "/topic/")
	if !ok {
		return 0, "", false
	}
	stream, err := strconv.ParseInt(num, 10, 64)
	if err != nil || stream <= 0 {
		return 0, "", false
	}
	topic, err := url.PathUnescape(strings.ReplaceAll(enc, ".", "%"))
	if err != nil || topic == "" || c.topicID(stream, topic) != id {
		return 0, "", false
	}
	return stream, topic, true
}
