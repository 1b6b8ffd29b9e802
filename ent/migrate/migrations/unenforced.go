package migrations

import (
	"slices"

	atlas "ariga.io/atlas/sql/schema"
	"entgo.io/ent/dialect/sql/schema"
)

// Unenforced are the foreign keys of ent's edges that PostgreSQL does not
// enforce (0004_unenforced_foreign_keys.sql dropped them). Checked row by
// row on every published delivery and every attempt, they cost PostgreSQL
// about 15 % of its time on the delivery path. What they guaranteed is
// kept in code instead:
//   - accounts are never deleted, and every row names the account of the
//     token (or event) it was made for;
//   - a configuration is deleted only by configs.Delete, which deletes it
//     and then clears the link on its deliveries and then on its attempts;
//     publishing locks the configurations it fans out to (FOR KEY SHARE),
//     and an attempt takes its configuration from the delivery row it
//     moves, so neither can link to a configuration deleted meanwhile.
//
// The events → deliveries → attempts foreign keys stay: retention deletes
// by their cascade.
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
