package migrations

import (
	"slices"

	atlas "ariga.io/atlas/sql/schema"
	"entgo.io/ent/dialect/sql/schema"
)

// Unenforced are the foreign keys of ent's edges that PostgreSQL does not
// enforce (migrations 0004 and 0005 dropped them). Checked row by row on
// every published delivery and every attempt, they cost PostgreSQL about a
// quarter of its time on the delivery path. What they guaranteed is kept
// in code instead:
//   - accounts are never deleted, and every row names the account of the
//     token (or event) it was made for; publishing with the admin token
//     checks that the account it names exists;
//   - a configuration is deleted only by configurations.Delete, which deletes it
//     and then clears the link on its deliveries and then on their
//     attempts; whoever writes a delivery locks its configuration first
//     (sqlstore.KeyShare), and an attempt takes its configuration from the
//     delivery row it moves, so neither links to one deleted meanwhile;
//   - a delivery is written in the transaction of its event, and an attempt
//     in the transaction that moves its delivery; retention, the only thing
//     that deletes events, deletes their deliveries and attempts with them.
var Unenforced = []string{
	"events_accounts_account",
	"deliveries_accounts_account",
	"deliveries_configurations_deliveries",
	"delivery_attempts_accounts_account",
	"delivery_attempts_configurations_attempts",
	"deliveries_events_deliveries",
	"delivery_attempts_deliveries_attempts",
}

// Options make ent's schema diff leave out the Unenforced foreign keys, so
// a diff against the migrated schema does not add them back.
func Options() []schema.MigrateOption {
	return []schema.MigrateOption{schema.WithDiffHook(func(next schema.Differ) schema.Differ {
		return schema.DiffFunc(func(current, desired *atlas.Schema) ([]atlas.Change, error) {
			for _, t := range desired.Tables {
				t.ForeignKeys = slices.DeleteFunc(t.ForeignKeys, func(fk *atlas.ForeignKey) bool {
					return slices.Contains(Unenforced, fk.Symbol)
				})
			}
			return next.Diff(current, desired)
		})
	})}
}
