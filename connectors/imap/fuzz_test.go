package imap

import (
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"host":"imap.gmail.com","mailboxes":["INBOX"],"page_size":10}`), []byte(`{"username":"ada@example.com","password":"s3cretPassw0rd"}`))
	f.Add([]byte(`{"host":"10.0.0.1","port":143,"security":"plain","exclude":["Spam"],"address":"ada@example.com","ca_certificate":"x"}`), []byte(`{"username":"ada","password":"pa\r\nss"}`))
	f.Add([]byte(`{"host":"imap.example.com","security":"starttls","attachments":true,"max_message_size":-1}`), []byte(`{"username":"","password":""}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, Source, settings, credentials)
	})
}

// FuzzCheckpoint resumes from arbitrary checkpoint bytes: the stream never
// panics, and a checkpoint that is not one of this connector's fails with
// ErrInvalidCheckpoint or resumes somewhere in the account.
func FuzzCheckpoint(f *testing.F) {
	f.Add([]byte(`{"kind":"imap","version":1,"state":{"mailbox":"INBOX","uidvalidity":1,"after":3}}`))
	f.Add([]byte(`{"kind":"imap","version":1,"state":{"mailbox":"\u0000\uffff","uidvalidity":4294967295,"after":4294967295}}`))
	f.Add([]byte(`{"kind":"imap","version":1,"state":{"after":7}}`))
	f.Add([]byte(`{"kind":"imap","version":2,"state":{}}`))
	f.Add([]byte(`{}`))
	fx := newFixture(f)
	docs, _, _ := conformanceAccount(fx.emu)
	c := fx.connector(f, fx.settings())
	f.Fuzz(func(t *testing.T, cp []byte) {
		n := 0
		for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, tributary.Checkpoint(cp)) {
			if err != nil {
				return
			}
			if it.Kind() == tributary.ItemInvalid {
				t.Fatalf("an invalid item from checkpoint %q", cp)
			}
			if n++; n > 4*len(docs)+20 {
				t.Fatalf("more items than the account holds from checkpoint %q", cp)
			}
		}
	})
}
