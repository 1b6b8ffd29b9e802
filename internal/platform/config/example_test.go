package config_test

import (
	"fmt"

	"github.com/ferryhq/ferry/internal/platform/config"
)

// Load is given the process's getenv and what the subcommand needs; a
// failure lists every problem, so it can be printed as is.
func ExampleLoad() {
	env := map[string]string{"FERRY_LOG_LEVEL": "loud"}
	_, err := config.Load(func(k string) string { return env[k] }, config.Need{Database: true})
	fmt.Println(err)
	// Output:
	// config: DATABASE_URL is required (PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/ferry?sslmode=disable)
	// config: FERRY_LOG_LEVEL must be one of debug, info, warn, error, got "loud"
}
