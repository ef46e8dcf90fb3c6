package temporal_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/file"
	"github.com/tributary-dev/tributary/connectors/github"
	tt "github.com/tributary-dev/tributary/contrib/temporal"
	"github.com/tributary-dev/tributary/internal/githubemu"
	"go.temporal.io/sdk/worker"
)

// fileConnector is a file connector over a folder of Markdown notes.
func fileConnector(t *testing.T, n int) tributary.Connector {
	dir := t.TempDir()
	for i := range n {
		sub := filepath.Join(dir, fmt.Sprintf("team-%d", i%4))
		require.NoError(t, os.MkdirAll(sub, 0o755))
		body := fmt.Sprintf("# Note %d\n\nWhat the team decided on day %d.\n", i, i)
		require.NoError(t, os.WriteFile(filepath.Join(sub, fmt.Sprintf("note-%03d.md", i)), []byte(body), 0o644))
	}
	c, err := file.New(file.Settings{Roots: []file.Root{{Path: dir, Name: "notes"}}}, file.Credentials{}, tributary.Env{})
	require.NoError(t, err)
	return c
}

// githubConnector is a GitHub connector reading an emulated GitHub.
func githubConnector(t *testing.T) tributary.Connector {
	data := githubemu.Generate(githubemu.GenerateOptions{Repos: 2, Items: 60, PullShare: 0.3, Comments: 2})
	emu := githubemu.New(data, githubemu.Options{})
	t.Cleanup(emu.Close)
	const token = "ghp_emulatedtoken0123456789"
	emu.AddToken(token, githubemu.Token{User: data.Users[1], Permissions: githubemu.FullAccess(), Classic: true})
	var s github.Settings
	s.SetDefaults()
	s.BaseURL = "http://api.github.test"
	for _, r := range data.Repos {
		s.Repositories = append(s.Repositories, r.FullName())
	}
	env := tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: emu.Transport()}}
	c, err := github.New(s, github.Credentials{Token: tributary.NewSecret(token)}, env)
	require.NoError(t, err)
	return c
}

// Syncs of the file connector and of the GitHub connector (against its
// emulator) through Temporal, in small slices, deliver exactly what the
// plain runner delivers.
func TestConnectorsSyncLikeTheRunner(t *testing.T) {
	ts, c := server(t)
	ctx := ctxFor(t)
	connectors := map[string]tributary.Connector{"files": fileConnector(t, 60), "github": githubConnector(t)}
	resolver := tt.ResolverFunc(func(ctx context.Context, ref tt.Ref) (tributary.Connector, error) {
		return connectors[ref.Instance], nil
	})
	for _, name := range slices.Sorted(maps.Keys(connectors)) {
		t.Run(name, func(t *testing.T) {
			want := newIndex()
			r := tributary.Runner{Store: &tributary.MemoryStore{}, Sink: want}
			_, err := r.Run(ctx, connectors[name], tributary.RunOptions{})
			require.NoError(t, err)

			got := newIndex()
			w := &tt.Worker{Resolver: resolver, Store: &tributary.MemoryStore{}, Sink: got, BatchDocs: 10}
			queue := taskQueue + "-" + name
			ts.NewWorker(queue, func(r worker.Registry) { w.Register(r) })
			run, err := tt.StartSync(ctx, c, queue, tt.SyncRequest{Ref: tt.Ref{Instance: name}, SliceItems: 25, Retry: fastRetry()})
			require.NoError(t, err)
			var st tt.SyncStatus
			require.NoError(t, run.Get(ctx, &st))

			wantN, _ := want.counts()
			require.Positive(t, wantN)
			assert.Equal(t, want.deliveries, got.deliveries)
			assert.Equal(t, wantN, st.Counts.Documents)
			assert.Greater(t, st.Slices, 1)
		})
	}
}
