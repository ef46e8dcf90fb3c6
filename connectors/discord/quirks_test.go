package discord

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/discordemu"
	"github.com/tributary-dev/tributary/internal/emulator"
)

// A reader alone never runs into an empty bucket: a bucket of two
// requests a second, read one message a page, is waited out by its
// X-RateLimit-Remaining: 0 and decimal X-RateLimit-Reset-After every
// other request, and no 429 is answered.
func TestEmptyBucketWaitedOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, discordemu.GenerateOptions{Messages: 12, Days: 2, Threads: -1, ForumPosts: -1},
			discordemu.Options{RouteLimit: 2, RouteWindow: 1500 * time.Millisecond})
		s := f.settings()
		s.PageSize = 1
		c := f.connector(t, s, options{})
		got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Equal(t, expectedIDs(f.data, time.Time{}, time.Time{}), ids(got.Documents))
		assert.Zero(t, f.emu.Throttled()[discordemu.ScopeUser], "no bucket refused a request")
		msgs := 0
		for _, r := range f.emu.Requests() {
			if strings.HasSuffix(r.Path, "/messages") {
				msgs++
			}
		}
		assert.Greater(t, msgs, 3*2, "the buckets ran out several times")
	})
}

// A 429's body names the wait in decimal seconds (retry_after: 1.25)
// while its Retry-After header rounds it up (2): the retry comes after
// the body's wait, not the header's, for a per-route and a global 429.
func TestDecimalRetryAfterHonoured(t *testing.T) {
	for _, scope := range []string{discordemu.ScopeUser, discordemu.ScopeGlobal, discordemu.ScopeShared} {
		t.Run(scope, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFixture(t, discordemu.GenerateOptions{Messages: 3, Threads: -1, ForumPosts: -1}, discordemu.Options{RouteLimit: 100})
				f.emu.ThrottleNext("GET "+discordemu.Prefix+"/channels/{channel}/messages", 1, 1250*time.Millisecond, scope)
				c := f.connector(t, f.settings(), options{})
				got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
				require.NoError(t, got.Err)
				reqs := f.emu.Requests()
				i := slices.IndexFunc(reqs, func(r emulator.Request) bool { return r.Status == http.StatusTooManyRequests })
				require.GreaterOrEqual(t, i, 0)
				wait := reqs[i+1].At.Sub(reqs[i].At)
				assert.GreaterOrEqual(t, wait, 1250*time.Millisecond)
				assert.Less(t, wait, 2*time.Second, "the body's 1.25 s, not the header's 2 s")
				assert.Equal(t, reqs[i].Path, reqs[i+1].Path, "the same request again")
			})
		})
	}
}

// The global limit of the emulator (5 a second, under the client's pace
// of 40) refuses requests with global 429s; the load still completes.
func TestGlobalLimitWaitedOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallGen, discordemu.Options{GlobalPerSecond: 5, RouteLimit: 100})
		c := f.connector(t, f.settings(), options{})
		got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Equal(t, expectedIDs(f.data, time.Time{}, time.Time{}), ids(got.Documents))
		assert.Positive(t, f.emu.Throttled()[discordemu.ScopeGlobal])
	})
}

// Discord lists messages newest first even for after=: each day's
// sections come oldest first all the same, and span pages.
func TestMessagesSortedOldestFirst(t *testing.T) {
	f := newFixture(t, discordemu.GenerateOptions{Messages: 30, Days: 2, Threads: -1, ForumPosts: -1}, discordemu.Options{RouteLimit: 1000})
	s := f.settings()
	s.PageSize = 4
	c := f.connector(t, s, fast)
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.NotEmpty(t, got.Documents)
	total := 0
	for _, d := range got.Documents {
		var last string
		for _, sec := range d.Sections {
			id := sec.Link[strings.LastIndex(sec.Link, "/")+1:]
			assert.Positive(t, compareIDs(id, last), "%s: sections in message order", d.ID)
			last = id
		}
		total += len(d.Sections)
	}
	assert.Equal(t, 3*30, total, "every message of the three readable channels, once")
}

// A window that starts in the middle of a day yields that day's document
// whole, read from the day's first message; a day with a message past
// the window's end is left to the next window.
func TestWindowReadsWholeDays(t *testing.T) {
	f := newFixture(t, discordemu.GenerateOptions{Messages: 40, Days: 4, Threads: -1, ForumPosts: -1}, discordemu.Options{RouteLimit: 1000})
	c := f.connector(t, f.settings(), fast)
	general := f.data.Guilds[0].Channels[1]
	msgs := general.Messages
	mid := discordemu.TimeOf(msgs[15].ID) // inside a day
	end := discordemu.TimeOf(msgs[25].ID) // inside a later day
	got := collect(t.Context(), c, mid, end, nil)
	require.NoError(t, got.Err)
	assert.Equal(t, expectedIDs(f.data, mid, end), ids(got.Documents))
	day := mid.Format(time.DateOnly)
	var whole int
	for _, m := range msgs {
		if discordemu.TimeOf(m.ID).Format(time.DateOnly) == day {
			whole++
		}
	}
	id := dayID(discordemu.ID(f.data.Guilds[0].ID), discordemu.ID(general.ID), day)
	i := slices.IndexFunc(got.Documents, func(d *tributary.Document) bool { return d.ID == id })
	require.GreaterOrEqual(t, i, 0, "the start's day is in the window")
	assert.Len(t, got.Documents[i].Sections, whole, "the whole day, not the part after the start")
	endDay := dayID(discordemu.ID(f.data.Guilds[0].ID), discordemu.ID(general.ID), end.Format(time.DateOnly))
	assert.NotContains(t, ids(got.Documents), endDay)
}

// Archived threads are paged by before= the last archive time while
// has_more says so; every one is read once.
func TestArchivedThreadsPaged(t *testing.T) {
	f := newFixture(t, discordemu.GenerateOptions{Messages: 2, Threads: 9, ForumPosts: -1}, discordemu.Options{RouteLimit: 1000})
	c := f.connector(t, f.settings(), options{rate: 1e6, retry: fast.retry, threadPage: 2})
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	assert.Equal(t, expectedIDs(f.data, time.Time{}, time.Time{}), ids(got.Documents))
	general := "/channels/" + discordemu.ID(f.data.Guilds[0].Channels[1].ID) + "/threads/archived/public"
	var pages, before int
	for _, r := range f.emu.Requests() {
		if strings.HasSuffix(r.Path, general) {
			pages++
			if strings.Contains(r.Query, "before=") {
				before++
			}
		}
	}
	assert.Equal(t, 2, pages, "four archived threads of #general, two a page")
	assert.Equal(t, 1, before)
}

// A channel the bot may not read is a skip, not a failure; a private
// thread is not read.
func TestUnreadableChannelAndPrivateThreadLeftOut(t *testing.T) {
	f := newFixture(t, smallGen, discordemu.Options{RouteLimit: 1000})
	c := f.connector(t, f.settings(), fast)
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	assert.Empty(t, got.Failures)
	g := f.data.Guilds[0]
	for _, id := range ids(got.Documents) {
		assert.NotContains(t, id, discordemu.ID(g.Channels[6].ID), "#secret")
		for _, th := range g.Threads {
			if th.Type == discordemu.TypePrivateThread {
				assert.NotEqual(t, threadURL(discordemu.ID(g.ID), discordemu.ID(th.ID)), id)
			}
		}
	}
}

// A message without an id makes its channel's page malformed: the channel
// is a failure under its id and the run goes on.
func TestMalformedChannelPageIsFailure(t *testing.T) {
	f := newFixture(t, smallGen, discordemu.Options{RouteLimit: 1000})
	g := f.data.Guilds[0]
	g.Channels[2].Messages[3].Broken = true
	c := f.connector(t, f.settings(), fast)
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Failures, 1)
	assert.Equal(t, channelURL(discordemu.ID(g.ID), discordemu.ID(g.Channels[2].ID)), got.Failures[0].EntityID)
	assert.ErrorIs(t, got.Failures[0], tributary.ErrMalformedResponse)
	assert.NotEmpty(t, got.Documents)
}

// Access follows the overwrites: #general is open to the guild's group,
// #staff to the roles that may view it (Staff by its overwrite, the
// Administrator role).
func TestAccessFromOverwrites(t *testing.T) {
	f := newFixture(t, smallGen, discordemu.Options{RouteLimit: 1000})
	g := f.data.Guilds[0]
	gid := discordemu.ID(g.ID)
	c := f.connector(t, f.settings(), fast)
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	for _, d := range got.Documents {
		switch d.ParentID {
		case channelURL(gid, discordemu.ID(g.Channels[1].ID)):
			assert.Equal(t, []string{"guild:" + gid}, d.ExternalAccess.GroupIDs)
		case channelURL(gid, discordemu.ID(g.Channels[3].ID)):
			assert.Equal(t, []string{"role:" + gid + "/" + discordemu.ID(g.Roles[1].ID), "role:" + gid + "/" + discordemu.ID(g.Roles[2].ID)},
				d.ExternalAccess.GroupIDs)
		}
	}
}

// Without the Message Content intent, Probe fails indexing naming it;
// without the Server Members intent, group sync.
func TestProbeNamesMissingIntents(t *testing.T) {
	f := newFixture(t, smallGen, discordemu.Options{RouteLimit: 1000})
	s := f.settings()
	s.UserEmails = map[string]string{discordemu.ID(f.data.Guilds[0].Members[1].User.ID): "a@example.com"}
	c := f.connector(t, s, fast)
	f.data.AppFlags = 0
	res := c.Probe(t.Context())
	require.Len(t, res, 3)
	assert.Equal(t, tributary.ProbeFailed, res[0].Status)
	assert.Equal(t, []string{missingMessageContent}, res[0].Missing)
	assert.Equal(t, tributary.ProbePassed, res[1].Status)
	assert.Equal(t, tributary.ProbeFailed, res[2].Status)
	assert.Equal(t, []string{missingServerMembers}, res[2].Missing)
	f.data.AppFlags = discordemu.FlagMessageContent | discordemu.FlagGuildMembers
	for _, r := range c.Probe(t.Context()) {
		assert.Equal(t, tributary.ProbePassed, r.Status, r.String())
	}
}

// Probe names View Channels and Read Message History when the first text
// channel cannot be read.
func TestProbeNamesChannelPermissions(t *testing.T) {
	f := newFixture(t, smallGen, discordemu.Options{RouteLimit: 1000})
	f.data.Guilds[0].Channels[1].Unreadable = true
	c := f.connector(t, f.settings(), fast)
	res := c.Probe(t.Context())
	assert.Equal(t, tributary.ProbeFailed, res[0].Status)
	assert.Equal(t, []string{missingViewChannels, missingReadHistory}, res[0].Missing)
}

// Group sync lists the guild's group and each role, with the members
// user_emails names, paging the members by after=.
func TestGroupsPageMembers(t *testing.T) {
	f := newFixture(t, discordemu.GenerateOptions{Members: 7}, discordemu.Options{RouteLimit: 1000})
	g := f.data.Guilds[0]
	s := f.settings()
	s.UserEmails = map[string]string{}
	for i, m := range g.Members {
		if !m.User.Bot && i%2 == 0 {
			s.UserEmails[discordemu.ID(m.User.ID)] = m.User.Username + "@Example.com"
		}
	}
	c := f.connector(t, s, options{rate: 1e6, retry: fast.retry, memberPage: 2})
	var got []tributary.ExternalGroup
	for grp, err := range c.Groups(t.Context()) {
		require.NoError(t, err)
		got = append(got, grp)
	}
	require.Len(t, got, 3)
	assert.Equal(t, "guild:"+discordemu.ID(g.ID), got[0].ID)
	assert.Len(t, got[0].MemberEmails, len(s.UserEmails))
	for _, grp := range got {
		assert.True(t, slices.IsSorted(grp.MemberEmails))
		for _, e := range grp.MemberEmails {
			assert.Equal(t, strings.ToLower(e), e)
		}
	}
	f.data.AppFlags = 0
	var err error
	for _, e := range c.Groups(t.Context()) {
		err = e
	}
	assert.ErrorIs(t, err, tributary.ErrInsufficientPermissions, "without the Server Members intent")
}

// A resumed stream picks up after the last day finished, re-reading no
// earlier page.
func TestResumeAfterLastDay(t *testing.T) {
	f := newFixture(t, discordemu.GenerateOptions{Messages: 20, Days: 4, Threads: -1, ForumPosts: -1}, discordemu.Options{RouteLimit: 1000})
	c := f.connector(t, f.settings(), fast)
	ctx := context.Background()
	all := collect(ctx, c, time.Time{}, time.Time{}, nil)
	require.NoError(t, all.Err)
	require.Greater(t, len(all.Checkpoints), 4)
	cp := all.Checkpoints[2]
	assert.Less(t, len(cp), 200, "a checkpoint is a few ids")
	rest := collect(ctx, c, time.Time{}, time.Time{}, cp)
	require.NoError(t, rest.Err)
	assert.Less(t, len(rest.Documents), len(all.Documents))
	assert.Subset(t, ids(all.Documents), ids(rest.Documents))
	_, err := decodePosition(tributary.Checkpoint(`{"kind":"discord","version":1,"state":{"g":"x"}}`))
	assert.True(t, err == nil || errors.Is(err, tributary.ErrInvalidCheckpoint))
}
