package gmail

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/googleemu"
)

var idPattern = regexp.MustCompile(`^https://mail\.google\.com/mail/u/[^/#]+@[^/#]+/#all/[0-9a-f]+$`)

// conformanceData is the fixture every conformance check gets a fresh
// copy of: three mailboxes of ten threads each, in every MIME form,
// with a delegate, and small pages so that there are many checkpoints.
func conformanceData() *googleemu.Data {
	d := generate(3, 10, false)
	d.Mailbox(d.Users[2].Email).Delegates = []string{d.Users[0].Email}
	return d
}

// failingAttachment returns the attachments path of the first attachment
// of the second user's mailbox outside the spam and the trash, and the id
// of its thread's document: the emulator refuses it, so the thread is a
// failure.
func failingAttachment(d *googleemu.Data) (path, docID string) {
	email := d.Users[1].Email
	for _, m := range d.Mailbox(email).Messages() {
		if strings.Contains(string(m.Raw), "Content-Disposition: attachment") &&
			!slices.Contains(m.LabelIDs, googleemu.LabelSpam) && !slices.Contains(m.LabelIDs, googleemu.LabelTrash) {
			return "/gmail/v1/users/me/messages/" + m.ID + "/attachments/ANGjdJ_" + m.ID + "_p1", threadID(email, m.ThreadID)
		}
	}
	panic("no attachment in the fixture")
}

// conformanceHarness describes the fixture; faults, when set, configures
// the emulator's fault schedule for each check.
func conformanceHarness(faults func(*googleemu.Server)) (connectortest.Harness, *[]*googleemu.Server) {
	probe := conformanceData()
	_, failingID := failingAttachment(probe)
	failing := []string{failingID}
	var emus []*googleemu.Server
	open := func(t testing.TB, good bool) tributary.Connector {
		f := newFixture(t, conformanceData(), googleemu.Options{})
		path, _ := failingAttachment(f.data)
		f.emu.FailEveryReason(path, 1, googleemu.Reason{Status: http.StatusForbidden, Domain: "global", Reason: "forbidden", Message: "Forbidden"})
		if faults != nil {
			faults(f.emu)
		}
		emus = append(emus, f.emu)
		s := f.settings()
		s.PageSize = 5
		s.IncludeAttachments = true
		s.IncludeDelegates = true
		cr := f.credentials()
		if !good {
			other := googleemu.New(conformanceData(), googleemu.Options{})
			cr.ServiceAccountKey = tributary.NewSecret(string(other.AddServiceAccount("revoked@emulated-project.iam.gserviceaccount.com", DefaultTokenURI, allScopes...)))
			other.Close()
		}
		c, err := newConnector(s, cr, f.env(), fastRetry)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	times := sortedTimes(probe)
	window := func(start, end time.Time) connectortest.Window {
		return connectortest.Window{Start: start, End: end, WantIDs: expectedIDs(probe, failing, start, end)}
	}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, true) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, false) },
		WantIDs:        expectedIDs(probe, failing, time.Time{}, time.Time{}),
		WantFailureIDs: failing,
		Windows: []connectortest.Window{
			window(times[len(times)/4], times[len(times)/2]),
			window(times[0], times[len(times)/3].Add(time.Millisecond)),
			window(times[len(times)/2].Add(-500*time.Millisecond), time.Time{}),
		},
		IDMatches: idPattern.MatchString,
		Requests:  func(tributary.Connector) int { return len(emus[len(emus)-1].Requests()) },
		Timeout:   time.Minute,
	}, &emus
}

func TestConformance(t *testing.T) {
	h, _ := conformanceHarness(nil)
	connectortest.Run(t, h)
}

// TestConformanceWithFaults runs the kit with the emulator failing about
// one request in four: Gmail's 403 userRateLimitExceeded and
// rateLimitExceeded, 429s, 500s, reset connections and truncated bodies.
// Every thread still arrives, and no rate limit is a failure.
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(func(s *googleemu.Server) {
		for k, fault := range map[int]emulator.Fault{13: emulator.ConnectionReset, 19: emulator.InternalError,
			29: {Status: http.StatusTooManyRequests}} {
			s.FailEvery("*", k, fault)
		}
		for _, route := range []string{"GET /gmail/v1/users/{userId}/threads", "GET /gmail/v1/users/{userId}/threads/{id}",
			"GET /gmail/v1/users/{userId}/messages/{id}/attachments/{aid}", "GET /gmail/v1/users/{userId}/profile",
			"GET /admin/directory/v1/users"} {
			s.FailEvery(route, 7, emulator.TruncatedBody)
		}
		s.FailEveryReason("*", 11, googleemu.UserRateLimitExceeded)
		s.FailEveryReason("*", 23, googleemu.RateLimitExceeded)
	})
	connectortest.Run(t, h)
	faults := 0
	for _, e := range *emus {
		faults += e.Faults()
	}
	t.Logf("%d kit faults injected, besides the rate-limit 403s", faults)
	if faults < 50 {
		t.Errorf("only %d faults were injected", faults)
	}
}
