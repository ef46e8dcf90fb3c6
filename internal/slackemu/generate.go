package slackemu

import (
	"fmt"
	"time"
)

// Config sizes a generated workspace.
type Config struct {
	Domain   string // workspace subdomain; "emulated" when empty
	Channels int    // public channels
	Private  int    // private channels the bot is a member of
	// Messages is the number of top-level messages per channel.
	Messages int
	// ThreadEvery makes every n-th top-level message a thread parent (0: none).
	ThreadEvery int
	// Replies is the number of replies per thread.
	Replies int
	// BotEvery makes every n-th top-level message a bot message (0: none).
	BotEvery int
	Users    int // workspace members besides the bot; 5 when zero
	// Start is the time of the first message; Step the gap between
	// top-level messages (replies follow their parent a second apart).
	Start time.Time
	Step  time.Duration
}

// BotUser is the user id of the bot that generated workspaces accept with
// BotToken.
const BotUser = "UBOT000001"

// BotToken is the token generated workspaces accept, with BotScopes.
const BotToken = "xoxb-emulated-bot-token"

// Tokens returns the token map for generated workspaces: BotToken with
// every scope the connector needs.
func Tokens() map[string]Token {
	return map[string]Token{BotToken: {UserID: BotUser, Scopes: BotScopes}}
}

// Generate builds a deterministic workspace: c.Channels public and
// c.Private private channels of c.Messages top-level messages each, with
// threads and bot messages at the configured intervals.
func Generate(c Config) *Workspace {
	if c.Domain == "" {
		c.Domain = "emulated"
	}
	if c.Users == 0 {
		c.Users = 5
	}
	if c.Start.IsZero() {
		c.Start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if c.Step == 0 {
		c.Step = time.Minute
	}
	w := NewWorkspace(c.Domain)
	w.AddUser(User{ID: BotUser, Name: "tributary", RealName: "Tributary", IsBot: true})
	members := []string{BotUser}
	for i := range c.Users {
		id := fmt.Sprintf("U%09d", i+1)
		first, last := firstNames[i%len(firstNames)], lastNames[(i/len(firstNames))%len(lastNames)]
		w.AddUser(User{ID: id, Name: fmt.Sprintf("user%d", i+1), RealName: first + " " + last,
			DisplayName: fmt.Sprintf("%s%d", first, i+1), FirstName: first, LastName: last,
			Email: fmt.Sprintf("user%d@example.com", i+1)})
		members = append(members, id)
	}
	// One user group of every person, one of the first two.
	w.AddUserGroup(UserGroup{ID: "S000000001", Name: "Staff", Handle: "staff", Users: members[1:]})
	w.AddUserGroup(UserGroup{ID: "S000000002", Name: "Leads", Handle: "leads", Users: members[1:min(3, len(members))]})
	for i := range c.Channels + c.Private {
		private := i >= c.Channels
		id, name := fmt.Sprintf("C%08d", i+1), fmt.Sprintf("channel-%d", i+1)
		if private {
			id, name = fmt.Sprintf("G%08d", i+1), fmt.Sprintf("private-%d", i+1)
		}
		w.AddChannel(Channel{ID: id, Name: name, Private: private, Created: c.Start.Add(-time.Hour), Members: members})
		fill(w, c, id, i)
	}
	return w
}

// fill posts the channel's messages. Times are spread across channels so
// that no two messages share a ts.
func fill(w *Workspace, c Config, channelID string, ch int) {
	users := c.Users
	for j := range c.Messages {
		at := c.Start.Add(time.Duration(j) * c.Step).Add(time.Duration(ch) * time.Millisecond)
		m := Message{TS: TS(at), User: fmt.Sprintf("U%09d", j%users+1),
			Text: fmt.Sprintf("%s %d in channel %d: %s", words[j%len(words)], j, ch+1, sentence(j))}
		if c.BotEvery > 0 && j%c.BotEvery == c.BotEvery-1 {
			m.User, m.BotID, m.Username, m.Subtype = "", "B000000001", "deploy-bot", "bot_message"
		}
		_ = w.Post(channelID, m)
		if c.ThreadEvery == 0 || j%c.ThreadEvery != 0 || m.BotID != "" {
			continue
		}
		for k := range c.Replies {
			r := Message{TS: TS(at.Add(time.Duration(k+1) * time.Second)), User: fmt.Sprintf("U%09d", (j+k+1)%users+1),
				Text: fmt.Sprintf("reply %d to %d: %s", k+1, j, sentence(j+k+1))}
			_ = w.Reply(channelID, m.TS, r)
		}
	}
}

func sentence(n int) string {
	return words[(n*7)%len(words)] + " " + words[(n*13+3)%len(words)] + " " + words[(n*5+1)%len(words)] + "."
}

var (
	firstNames = []string{"Ana", "Bo", "Chen", "Dara", "Eli", "Femi", "Gus", "Hana"}
	lastNames  = []string{"Silva", "Okafor", "Novak", "Tanaka"}
	words      = []string{"deploy", "review", "incident", "standup", "release", "question", "design", "metrics",
		"rollback", "schema", "latency", "budget", "roadmap", "on-call", "migration", "retro"}
)
