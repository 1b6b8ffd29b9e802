package migrations

import (
	"slices"

	atlas "ariga.io/atlas/sql/schema"
	"entgo.io/ent/dialect/sql/schema"
)

// Unenforced are the foreign keys of ent's edges that PostgreSQL does not
// enforce (migration 0004 dropped them): links to the account and to the
// configuration, whose rows every concurrent publish and attempt would
// lock. Their checks, added to the history links' on the delivery path,
// cost more than the budget (BENCHMARKS.md, "Foreign keys"). What they
// guaranteed is kept in one place each:
//   - a row's account exists: accounts are never deleted, and of these
//     rows only an event takes its account from a request (the admin
//     token names it), checked by publish.checkAccount; a delivery takes
//     the account of its event or configuration, an attempt that of its
//     delivery;
//   - a row's configuration exists: configurations are never removed,
//     only marked deleted (ent/schema/softdelete), so the history keeps
//     its link; writers take the id from a configuration they read, an
//     attempt from its delivery's row.
//
// The links of deliveries to their event and of attempts to their delivery
// are foreign keys again (0010 and 0011). apptest's CheckNoOrphans looks
// for rows breaking any link, checked or not.
var Unenforced = []string{
	"events_accounts_account",
	"deliveries_accounts_account",
	"deliveries_configurations_deliveries",
	"delivery_attempts_accounts_account",
	"delivery_attempts_configurations_attempts",
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
