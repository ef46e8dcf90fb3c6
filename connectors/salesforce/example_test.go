package salesforce_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/salesforce"
	"github.com/tributary-dev/tributary/internal/jwtsign"
	"github.com/tributary-dev/tributary/internal/salesforceemu"
)

// Example reads the cases of an org, here an emulated Salesforce served in
// memory, signing in with the JWT bearer flow.
func Example() {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		fmt.Println(err)
		return
	}
	data := salesforceemu.Generate(salesforceemu.GenerateOptions{Cases: 3, Seed: 2})
	emu := salesforceemu.New(data, salesforceemu.Options{})
	defer emu.Close()
	emu.AddApp("3MVG9-example", &key.PublicKey, "")

	s := salesforce.Settings{}
	s.SetDefaults()
	s.Objects = []string{salesforce.ObjectCase}
	creds := salesforce.Credentials{ConsumerKey: "3MVG9-example", Username: salesforceemu.Integration,
		PrivateKey: tributary.NewSecret(string(jwtsign.EncodePKCS8(key)))}
	env := tributary.Env{HTTPClient: &http.Client{Transport: emu.Transport()}, AllowPrivateNetwork: true}
	c, err := salesforce.New(s, creds, env)
	if err != nil {
		fmt.Println(err)
		return
	}
	for d, err := range tributary.Load(context.Background(), c) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.ID, "|", d.Title)
	}
	// Output:
	// https://acme.my.salesforce.com/lightning/r/Case/5005g0000000001AAA/view | 00000001: Printer 0 jams
	// https://acme.my.salesforce.com/lightning/r/Case/5005g0000000002AAA/view | 00000002: Printer 1 jams
	// https://acme.my.salesforce.com/lightning/r/Case/5005g0000000003AAA/view | 00000003: Printer 2 jams
}
