package secrets_test

import (
	"fmt"
	"log"

	"github.com/ferryhq/ferry/internal/adapter/secrets"
)

// A signing secret is sealed before it is stored and opened when a delivery
// is signed.
func ExampleBox() {
	key, err := secrets.ParseKey("q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=") // FERRY_ENCRYPTION_KEY
	if err != nil {
		log.Fatal(err)
	}
	box, err := secrets.NewBox(key)
	if err != nil {
		log.Fatal(err)
	}
	sealed, err := box.Seal([]byte("whsec_example"))
	if err != nil {
		log.Fatal(err)
	}
	plain, err := box.Open(sealed)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(plain), len(sealed))
	// Output: whsec_example 42
}
