package connectortest

import (
	"context"
	"errors"
	"iter"
	"testing"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mock"
)

func (b *broken) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	if b.groups != nil {
		return b.groups(b.Connector, ctx)
	}
	return b.Connector.Groups(ctx)
}

// The broken group listings, and the checks that catch them.
var (
	groupsMissNamedGroup = brokenCase{name: "group sync misses a group access names", check: "Groups", access: true,
		b: broken{groups: dropGroup("group-1")}, want: `names group "group-1", which Groups does not list`}
	groupsRepeatID = brokenCase{name: "group sync repeats a group", check: "Groups",
		b: broken{groups: repeatFirst}, want: `Groups yielded group id "group-0" twice`}
	groupsSwallowFault = brokenCase{name: "group sync hides a failure midway", check: "Groups",
		groupsFault: func(t testing.TB) tributary.Connector {
			s := fixture()
			s.FailAfterPages = 1
			m, err := mock.New(s, mock.Credentials{Token: tributary.NewSecret("good")}, tributary.Env{})
			if err != nil {
				t.Fatal(err)
			}
			return &broken{Connector: m, groups: swallowErrors}
		},
		want: "Groups of a source that fails midway: the listing ended without an error"}
	groupsUnclassified = brokenCase{name: "group sync fails without a kind", check: "Groups",
		groupsFault: func(t testing.TB) tributary.Connector {
			s := fixture()
			s.FailAfterPages = 1
			m, err := mock.New(s, mock.Credentials{Token: tributary.NewSecret("good")}, tributary.Env{})
			if err != nil {
				t.Fatal(err)
			}
			return &broken{Connector: m, groups: unclassified}
		},
		want: "matches no tributary error kind"}
)

func dropGroup(id string) func(*mock.Connector, context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(m *mock.Connector, ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
		return func(yield func(tributary.ExternalGroup, error) bool) {
			for g, err := range m.Groups(ctx) {
				if err == nil && g.ID == id {
					continue
				}
				if !yield(g, err) {
					return
				}
			}
		}
	}
}

func repeatFirst(m *mock.Connector, ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		first := true
		for g, err := range m.Groups(ctx) {
			if !yield(g, err) {
				return
			}
			if first && err == nil {
				first = false
				if !yield(g, nil) {
					return
				}
			}
		}
	}
}

// swallowErrors ends the listing quietly at the first error, as a
// connector that treats a failed page as the last one does.
func swallowErrors(m *mock.Connector, ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		for g, err := range m.Groups(ctx) {
			if err != nil || !yield(g, nil) {
				return
			}
		}
	}
}

// unclassified turns the listing's error into one of no tributary kind.
func unclassified(m *mock.Connector, ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		for g, err := range m.Groups(ctx) {
			if err != nil {
				err = errors.New("groups: " + err.Error())
			}
			if !yield(g, err) {
				return
			}
		}
	}
}
