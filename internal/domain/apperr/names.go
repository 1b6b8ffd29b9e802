package apperr

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CheckName refuses a name (of an account, token, key, configuration…) that
// is blank, longer than max characters (not bytes: a name in Japanese gets as
// many as one in English), or holds a control or bidirectional-control
// character, which would corrupt logs and make a name display as another
// (the console shows names to people choosing among them). field names the
// input in the error.
func CheckName(field, name string, max int) error {
	if n := utf8.RuneCountInString(strings.TrimSpace(name)); n == 0 || n > max {
		return Invalid(field, "must be 1-%d characters", max)
	}
	return checkChars(field, name, "")
}

// CheckText is CheckName for free text such as a description: it may be
// empty, and it may hold line breaks and tabs.
func CheckText(field, text string, max int) error {
	if utf8.RuneCountInString(text) > max {
		return Invalid(field, "must be at most %d characters", max)
	}
	return checkChars(field, text, "\t\n\r")
}

// checkChars refuses invalid UTF-8, control characters other than those in
// allowed, and bidi controls.
func checkChars(field, s, allowed string) error {
	if !utf8.ValidString(s) {
		return Invalid(field, "must be valid UTF-8")
	}
	for _, r := range s {
		switch {
		case unicode.IsControl(r) && !strings.ContainsRune(allowed, r):
			return Invalid(field, "must not contain control characters (found U+%04X)", r)
		case isBidiControl(r):
			return Invalid(field, "must not contain bidirectional control characters (found U+%04X)", r)
		}
	}
	return nil
}

// isBidiControl reports the characters that reorder the text around them
// (embeddings, overrides, isolates and marks), as in "Trojan Source".
func isBidiControl(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200E, r == 0x200F, r == 0x061C:
		return true
	}
	return false
}
