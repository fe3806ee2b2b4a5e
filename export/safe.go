package export

import "unicode/utf8"

// SafeCell neutralises a spreadsheet formula: a text that starts with =,
// +, -, @, a tab or a carriage return (or the full-width =, +, - and @,
// which some spreadsheets fold to the plain ones) may be run as a formula
// when a CSV is opened in Excel, LibreOffice or Google Sheets, and student
// and instructor comments end up in exports. Such a text gets a leading
// apostrophe and is shown as text; other text is returned unchanged.
// Numbers the exports write themselves are not passed through it.
func SafeCell(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	switch r {
	case '=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠':
		return "'" + s
	}
	return s
}
